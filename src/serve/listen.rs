//! The accept loop, in place of `axum::serve` (which sets no timer, so hyper's header timeout never
//! runs): HTTP/1 connections whose request head must arrive within `--read-timeout` (a slowloris
//! holding connections open with a header a byte at a time, or an idle keep-alive, is closed), each
//! request told its client's address (the login lockout counts by it), at most `--max-connections`
//! of them open at once, and a graceful stop on Ctrl-C that waits a few seconds at most for
//! requests in flight.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How long a stop waits for the requests in flight.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// How connections are bounded.
pub struct Connections {
    /// The time a request head may take (and an idle keep-alive may last).
    pub header_timeout: Duration,
    /// Connections open at once. At the cap the server stops accepting and new clients wait in the
    /// kernel's queue: many slow clients then delay others, where without a cap they would use up
    /// the process's file descriptors and make every accept, upload and check fail.
    pub max: usize,
}

pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    connections: Connections,
    stop: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Semaphore::new(connections.max));
    let mut stop = std::pin::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut stop => break,
        };
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(why) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    eprintln!("kiemchung serve: accept: {why}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(client));
            router.clone().oneshot(request)
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(connections.header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or times out ends its own connection, nothing else.
            let _ = connection.await;
            drop(permit);
        });
    }
    let _ = tokio::time::timeout(STOP_GRACE, graceful.shutdown()).await;
}

/// The client's address as the lockout counts it: the connection's, or behind the TLS proxy
/// (`--behind-https`) the last address of `X-Forwarded-For`, the one the proxy itself added.
pub fn client_address(headers: &axum::http::HeaderMap, peer: SocketAddr, behind_proxy: bool) -> std::net::IpAddr {
    let forwarded = behind_proxy
        .then(|| headers.get_all("x-forwarded-for").iter().next_back())
        .flatten()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok());
    forwarded.unwrap_or(peer.ip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn the_proxys_own_address_is_believed_only_behind_the_proxy() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6, 10.1.2.3"));
        assert_eq!(client_address(&headers, peer, true).to_string(), "10.1.2.3");
        assert_eq!(client_address(&headers, peer, false).to_string(), "127.0.0.1");
        headers.insert("x-forwarded-for", HeaderValue::from_static("not an address"));
        assert_eq!(client_address(&headers, peer, true).to_string(), "127.0.0.1");
        assert_eq!(client_address(&HeaderMap::new(), peer, true).to_string(), "127.0.0.1");
    }
}
