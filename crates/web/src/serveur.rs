//! The HTTP server: accepts connections, serves the application on each (HTTP/1.1) with the
//! time a client has to send a request's headers (which also closes idle keep-alive
//! connections and slowloris clients), and stops gracefully: when `arret` resolves, it accepts
//! no more connections, lets the requests in flight finish, closes idle connections, and
//! returns once every connection is done.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::Limites;

/// Serves `application` on `ecoute` until `arret` resolves and the last connection is done.
pub async fn servir(
    ecoute: TcpListener,
    application: Router,
    limites: Limites,
    arret: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limites.delai_entetes);
    let connexions = GracefulShutdown::new();
    tokio::pin!(arret);
    loop {
        let (flux, pair) = tokio::select! {
            accepte = ecoute.accept() => match accepte {
                Ok(connexion) => connexion,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!(erreur = %e, "connexion refusée");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut arret => break,
        };
        let application = application.clone();
        let service = hyper::service::service_fn(move |mut requete: hyper::Request<Incoming>| {
            requete
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(pair));
            application.clone().oneshot(requete)
        });
        let connexion = connexions.watch(http.serve_connection(TokioIo::new(flux), service));
        tokio::spawn(async move {
            if let Err(e) = connexion.await {
                tracing::debug!(erreur = %e, "connexion close");
            }
        });
    }
    drop(ecoute);
    connexions.shutdown().await;
    Ok(())
}
