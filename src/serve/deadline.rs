//! Slow clients: a request body that stops arriving for `--read-timeout`, or is still arriving after
//! its whole-body deadline (`--upload-timeout` for an upload, `--read-timeout` for anything else),
//! is cut: reading it fails with [`BodyCut`], the handler answers 408 in the page's language, and
//! the connection, the upload's place in the queue and its bytes are freed. (Headers sent too
//! slowly are hyper's `header_read_timeout`, set in `listen`.)

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use kiemchung::model::Lang;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

#[derive(Clone, Copy)]
pub struct Timeouts {
    /// Headers, and any pause inside a body.
    pub read: Duration,
    /// A whole upload.
    pub upload: Duration,
}

/// Why a body was cut.
#[derive(Debug, Clone, Copy)]
pub enum BodyCut {
    /// Nothing arrived for this long.
    Stalled(Duration),
    /// Still arriving after this long.
    TooLong(Duration),
}

impl std::fmt::Display for BodyCut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for BodyCut {}

impl BodyCut {
    pub fn message(&self, lang: Lang) -> String {
        match *self {
            BodyCut::Stalled(after) => lang.pick(
                format!("tải lên bị ngắt: không nhận được dữ liệu trong {}; xin tải lại", span(after, lang)),
                format!("the upload was cut: no data arrived for {}; please upload again", span(after, lang)),
            ),
            BodyCut::TooLong(after) => lang.pick(
                format!("tải lên bị ngắt: quá {} mà chưa xong; xin tải lại qua mạng nhanh hơn hoặc tải ít tệp hơn mỗi lần", span(after, lang)),
                format!("the upload was cut: not finished after {}; upload again over a faster network, or fewer files at a time", span(after, lang)),
            ),
        }
    }

    /// The cut behind `error`, wherever it sits in its chain of sources (multipart, axum, hyper).
    pub fn find(error: &(dyn std::error::Error + 'static)) -> Option<BodyCut> {
        let mut current = Some(error);
        while let Some(error) = current {
            if let Some(cut) = error.downcast_ref::<BodyCut>() {
                return Some(*cut);
            }
            current = error.source();
        }
        None
    }
}

/// `90 giây`, `2 phút`, `1 giờ`: the largest unit that divides the span.
fn span(duration: Duration, lang: Lang) -> String {
    let seconds = duration.as_secs().max(1);
    let (count, vi, en) = match seconds {
        s if s % 3600 == 0 => (s / 3600, "giờ", "hour"),
        s if s % 60 == 0 => (s / 60, "phút", "minute"),
        s => (s, "giây", "second"),
    };
    let plural = if count == 1 { "" } else { "s" };
    lang.pick(format!("{count} {vi}"), format!("{count} {en}{plural}"))
}

/// Middleware: every request's body read under the deadlines of its route.
pub async fn limit_body_time(State(timeouts): State<Arc<Timeouts>>, request: Request, next: Next) -> Response {
    let whole = if request.uri().path() == "/api/check" { timeouts.upload } else { timeouts.read };
    let idle = timeouts.read;
    let request = request.map(|body| Body::new(TimedBody::new(body, idle, whole)));
    next.run(request).await
}

/// A body that fails with [`BodyCut`] when it stalls for `idle` or is not over by `deadline`.
struct TimedBody {
    inner: Body,
    idle: Duration,
    deadline: Instant,
    whole: Duration,
    /// Armed when a read finds nothing; created on first need (a GET's empty body needs none).
    stall: Option<Pin<Box<Sleep>>>,
    stall_armed: bool,
    end: Option<Pin<Box<Sleep>>>,
}

impl TimedBody {
    fn new(inner: Body, idle: Duration, whole: Duration) -> TimedBody {
        let deadline = Instant::now() + whole;
        TimedBody { inner, idle, deadline, whole, stall: None, stall_armed: false, end: None }
    }
}

impl HttpBody for TimedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let deadline = this.deadline;
        let end = this.end.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if end.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(axum::Error::new(BodyCut::TooLong(this.whole)))));
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.stall_armed = false;
                Poll::Ready(frame)
            }
            Poll::Pending => {
                let wake_at = Instant::now() + this.idle;
                if !this.stall_armed {
                    match &mut this.stall {
                        Some(stall) => stall.as_mut().reset(wake_at),
                        None => this.stall = Some(Box::pin(tokio::time::sleep_until(wake_at))),
                    }
                    this.stall_armed = true;
                }
                let stalled = this.stall.as_mut().is_some_and(|stall| stall.as_mut().poll(cx).is_ready());
                if stalled {
                    return Poll::Ready(Some(Err(axum::Error::new(BodyCut::Stalled(this.idle)))));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
