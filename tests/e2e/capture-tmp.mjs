import { chromium } from 'playwright-core';
const [,, base, ...chemins] = process.argv;
const navigateur = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync'] });
for (const largeur of [1280, 390]) {
  const page = await navigateur.newPage({ viewport: { width: largeur, height: 900 } });
  for (const chemin of chemins) {
    await page.goto(base + chemin);
    const nom = chemin.replace(/[^a-z0-9]+/gi, '_');
    await page.screenshot({ path: `/tmp/cap/${nom}-${largeur}.png`, fullPage: true });
    const large = await page.evaluate(() => document.documentElement.scrollWidth);
    if (large > largeur) console.log('DÉBORD', chemin, largeur, large);
  }
}
await navigateur.close();
