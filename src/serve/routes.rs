//! The routes of DESIGN.md "The web page": the page, `/healthz`, the check API and the reports,
//! plus login and logout (`login`), who am I, the visible checks and the council's province summary.

use super::auth::{self, Viewer};
use super::deadline;
use super::queue::{self, Job};
use super::quota::{self, size_text};
use super::store::{self, Check, State};
use super::upload::{self, UploadError};
use super::{login, page, App};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State as AppState};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kiemchung::model::Lang;
use serde::Deserialize;
use serde_json::json;
use std::sync::atomic::Ordering;
use std::sync::Arc;

type Shared = AppState<Arc<App>>;

pub fn router(app: Arc<App>) -> Router {
    // The body limit is the upload limit plus room for the multipart framing of many small parts.
    let body_limit = usize::try_from(app.limits.max_bytes.saturating_add(64 << 20)).unwrap_or(usize::MAX);
    Router::new()
        .route("/", get(index))
        .route("/app.js", get(|| async { asset("text/javascript; charset=utf-8", page::APP_JS) }))
        .route("/app.css", get(|| async { asset("text/css; charset=utf-8", page::APP_CSS) }))
        .route("/healthz", get(|| async { "ok" }))
        .route("/login", get(login::login_page).post(login::login))
        .route("/logout", post(login::logout))
        .route("/api/me", get(me))
        .route("/api/check", post(post_check).layer(DefaultBodyLimit::max(body_limit)))
        .route("/api/check/{id}", get(check_state))
        .route("/api/check/{id}/{file}", get(report))
        .route("/api/checks", get(checks))
        .route("/api/summary", get(summary))
        .layer(axum::middleware::map_response(common_headers))
        .layer(axum::middleware::from_fn_with_state(app.timeouts.clone(), deadline::limit_body_time))
        .with_state(app)
}

async fn common_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert("x-frame-options", HeaderValue::from_static("SAMEORIGIN"));
    response
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    pub fn lang(&self) -> Lang {
        if self.lang.as_deref() == Some("en") {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}

pub fn error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn not_found(lang: Lang) -> Response {
    error(StatusCode::NOT_FOUND, lang.pick("không có lượt kiểm tra này", "no such check").into())
}

/// Who asks: without accounts anyone (the server is on loopback), else the session's account.
fn viewer(app: &App, headers: &HeaderMap, lang: Lang) -> Result<Viewer, Response> {
    if app.accounts.is_none() {
        return Ok(Viewer::Open);
    }
    auth::token_of(headers)
        .and_then(|token| app.sessions.account(&token))
        .map(Viewer::Account)
        .ok_or_else(|| error(StatusCode::UNAUTHORIZED, lang.pick("cần đăng nhập", "please sign in").into()))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

/// The page's own policy: nothing from elsewhere, no inline script.
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
frame-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'";

pub fn html_page(body: impl IntoResponse) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CONTENT_SECURITY_POLICY, PAGE_POLICY)], body)
        .into_response()
}

async fn index(AppState(app): Shared, headers: HeaderMap) -> Response {
    match viewer(&app, &headers, Lang::Vi) {
        Ok(_) => html_page(page::INDEX_HTML),
        Err(_) => Redirect::to("/login").into_response(),
    }
}

/// The catalogs an upload may name: the embedded ones and the server's own.
fn catalog_ids(app: &App) -> Vec<String> {
    let mut ids: Vec<String> = kiemchung::catalog::EMBEDDED.iter().map(|(id, _)| id.to_string()).collect();
    if let Some(server) = &app.catalog {
        if !ids.contains(&server.id) {
            ids.insert(0, server.id.clone());
        }
    }
    ids
}

async fn me(AppState(app): Shared, headers: HeaderMap, Query(query): Query<LangQuery>) -> Response {
    let viewer = match viewer(&app, &headers, query.lang()) {
        Ok(viewer) => viewer,
        Err(refused) => return refused,
    };
    let (name, role, units) = match &viewer {
        Viewer::Open => (None, "open", Vec::new()),
        Viewer::Account(a) => {
            (Some(a.name.clone()), if a.role == auth::Role::Council { "council" } else { "unit" }, a.units.clone())
        }
    };
    Json(json!({
        "name": name, "role": role, "units": units, "accounts": app.accounts.is_some(),
        "catalogs": catalog_ids(&app), "catalog": app.catalog.as_ref().map(|c| c.id.clone()),
        "max_upload": app.limits.max_bytes, "max_files": app.limits.max_files,
    }))
    .into_response()
}

async fn post_check(
    AppState(app): Shared,
    headers: HeaderMap,
    Query(query): Query<LangQuery>,
    multipart: Multipart,
) -> Response {
    let lang = query.lang();
    let viewer = match viewer(&app, &headers, lang) {
        Ok(viewer) => viewer,
        Err(refused) => return refused,
    };
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > app.limits.max_bytes.saturating_add(64 << 20)) {
        return upload_error(upload::too_big(app.limits.max_bytes, lang), &app, lang);
    }
    // Refused before a byte is read when the declared length cannot fit; else counted as it comes.
    if !app.store.quota.fits(declared.unwrap_or(0)) {
        return upload_error(UploadError::NoSpace, &app, lang);
    }
    if declared.is_some_and(|length| !quota::disk_has_room(app.store.root(), length)) {
        return upload_error(UploadError::DiskFull, &app, lang);
    }
    let _uploading = Uploading::enter(&app);
    if app.store.count_waiting() + app.uploading.load(Ordering::SeqCst) > app.max_queue {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            lang.pick("hàng đợi đã đầy, xin thử lại sau ít phút", "the queue is full, try again in a few minutes")
                .into(),
        );
    }
    let id = new_id();
    let check_dir = app.store.dir(&id);
    let mut reservation = app.store.quota.reserve();
    let folders = upload::Folders { staging: check_dir.join("received"), upload: check_dir.join("upload") };
    let received = upload::receive(multipart, &folders, &app.limits, &mut reservation, lang).await;
    let received = match received.and_then(|upload| job_for(&app, &viewer, id.clone(), upload, lang)) {
        Ok(job) => job,
        Err(why) => {
            let _ = tokio::fs::remove_dir_all(&check_dir).await;
            return upload_error(why, &app, lang);
        }
    };
    let (job, owner, name) = received;
    app.store.put(Check {
        id: id.clone(),
        owner,
        uploaded_by: match &viewer {
            Viewer::Account(a) => Some(a.name.clone()),
            Viewer::Open => None,
        },
        name,
        created: store::now_seconds(),
        state: State::Queued,
        done: 0,
        total: 0,
        error: None,
        units: Vec::new(),
        peak_rss_kib: None,
        stored_bytes: reservation.keep(),
    });
    queue::start(app.runner.clone(), app.store.clone(), job);
    (StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response()
}

/// Counts an upload in progress for as long as it is alive.
struct Uploading<'a>(&'a App);

impl<'a> Uploading<'a> {
    fn enter(app: &'a App) -> Uploading<'a> {
        app.uploading.fetch_add(1, Ordering::SeqCst);
        Uploading(app)
    }
}

impl Drop for Uploading<'_> {
    fn drop(&mut self) {
        self.0.uploading.fetch_sub(1, Ordering::SeqCst);
    }
}

fn upload_error(why: UploadError, app: &App, lang: Lang) -> Response {
    match why {
        UploadError::TooLarge(message) => error(StatusCode::PAYLOAD_TOO_LARGE, message),
        UploadError::Bad(message) => error(StatusCode::BAD_REQUEST, message),
        UploadError::TooSlow(message) => error(StatusCode::REQUEST_TIMEOUT, message),
        UploadError::NoSpace => error(StatusCode::INSUFFICIENT_STORAGE, no_space(app, lang)),
        UploadError::DiskFull => error(
            StatusCode::INSUFFICIENT_STORAGE,
            lang.pick(
                "ổ đĩa của máy chủ không còn đủ chỗ cho lần tải lên này; xin báo người quản trị máy chủ",
                "the server's disk has no room left for this upload; tell the server's administrator",
            )
            .into(),
        ),
        UploadError::Storage(why) => {
            // The detail is for the administrator (English, the system's words), not the clerk.
            eprintln!("kiemchung serve: storing an upload: {why}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                lang.pick(
                    "máy chủ không lưu được tệp tải lên; xin thử lại hoặc báo người quản trị máy chủ",
                    "the server could not store the upload; try again or tell the server's administrator",
                )
                .into(),
            )
        }
    }
}

/// 507: what the quota is, what is used, and that old checks free it by themselves.
fn no_space(app: &App, lang: Lang) -> String {
    let quota = &app.store.quota;
    let (used, limit) = (size_text(quota.used(), lang), size_text(quota.limit(), lang));
    let days = app.keep_days;
    lang.pick(
        format!("máy chủ đã hết dung lượng lưu trữ dành cho các lượt kiểm tra (đã dùng {used} trên {limit}), nên chưa nhận thêm tệp tải lên; các lượt cũ hơn {days} ngày sẽ tự được xoá: xin thử lại sau hoặc báo người quản trị máy chủ"),
        format!("the server's storage for checks is full ({used} of {limit} used), so it takes no upload for now; checks older than {days} days are deleted by themselves: try again later or tell the server's administrator"),
    )
}

/// The job an upload asks for, with only what the server allows: its catalogs, a sane year and
/// date, and for a unit account one of its own units.
fn job_for(
    app: &App,
    viewer: &Viewer,
    id: String,
    upload: upload::Upload,
    lang: Lang,
) -> Result<(Job, Option<String>, String), UploadError> {
    let bad = |vi: String, en: String| UploadError::Bad(lang.pick(vi, en));
    let fields = &upload.fields;
    let catalog = match fields.catalog.as_deref().filter(|c| !c.is_empty()) {
        None => app.catalog.as_ref().map(|c| c.argument.clone()),
        Some(id) if app.catalog.as_ref().is_some_and(|c| c.id == id) => {
            app.catalog.as_ref().map(|c| c.argument.clone())
        }
        Some(id) if kiemchung::catalog::EMBEDDED.iter().any(|(known, _)| *known == id) => Some(id.to_string()),
        Some(id) => {
            return Err(bad(
                format!("không có bộ tiêu chí '{id}' trên máy chủ ({})", catalog_ids(app).join(", ")),
                format!("no catalog '{id}' on this server ({})", catalog_ids(app).join(", ")),
            ))
        }
    };
    let year = match fields.year.as_deref().filter(|y| !y.is_empty()) {
        None => None,
        Some(text) => Some(
            text.parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| bad(format!("năm '{text}' không hợp lệ"), format!("'{text}' is not a year")))?,
        ),
    };
    let cutoff = match fields.cutoff.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(text) => {
            let date = kiemchung::vn::date::parse_loose(text).ok_or_else(|| {
                bad(format!("ngày chốt '{text}' không hợp lệ (YYYY-MM-DD)"), format!("'{text}' is not a date"))
            })?;
            Some(date.to_string())
        }
    };
    let report_lang = match fields.lang.as_deref().filter(|l| !l.is_empty()) {
        None | Some("vi") => Lang::Vi,
        Some("en") => Lang::En,
        Some(other) => {
            return Err(bad(format!("ngôn ngữ '{other}': vi hoặc en"), format!("language '{other}': vi or en")))
        }
    };
    let owner = match viewer {
        Viewer::Open => fields.unit.clone().filter(|u| !u.is_empty()),
        Viewer::Account(account) if account.role == auth::Role::Council => {
            fields.unit.clone().filter(|u| !u.is_empty())
        }
        Viewer::Account(account) => match fields.unit.as_deref().filter(|u| !u.is_empty()) {
            None => account.units.first().cloned(),
            Some(unit) if account.units.iter().any(|u| u == unit) => Some(unit.to_string()),
            Some(unit) => {
                return Err(bad(
                    format!("tài khoản này không được tải lên cho đơn vị '{unit}'"),
                    format!("this account may not upload for unit '{unit}'"),
                ))
            }
        },
    };
    let job = Job { id, root: upload.root.clone(), catalog, year, cutoff, lang: report_lang };
    Ok((job, owner, upload.root))
}

fn new_id() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A check the viewer may see, or the same 404 as for one that does not exist.
fn visible(app: &App, headers: &HeaderMap, id: &str, lang: Lang) -> Result<Check, Response> {
    let viewer = viewer(app, headers, lang)?;
    store::valid_id(id)
        .then(|| app.store.get(id))
        .flatten()
        .filter(|check| viewer.may_see(check.owner.as_deref()))
        .ok_or_else(|| not_found(lang))
}

async fn check_state(
    AppState(app): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<LangQuery>,
) -> Response {
    match visible(&app, &headers, &id, query.lang()) {
        Ok(check) => Json(state_json(&check)).into_response(),
        Err(refused) => refused,
    }
}

fn state_json(check: &Check) -> serde_json::Value {
    let mut value = json!({ "state": check.state, "done": check.done, "total": check.total });
    if let Some(why) = &check.error {
        value["error"] = json!(why);
    }
    value
}

async fn report(
    AppState(app): Shared,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
) -> Response {
    let lang = query.lang();
    let check = match visible(&app, &headers, &id, lang) {
        Ok(check) => check,
        Err(refused) => return refused,
    };
    let Some(extension) = file.strip_prefix("report.") else { return not_found(lang) };
    let content_type = match extension {
        "json" => "application/json",
        "html" => "text/html; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => return not_found(lang),
    };
    if check.state != State::Done {
        return error(StatusCode::CONFLICT, lang.pick("chưa kiểm tra xong", "the check has not finished").into());
    }
    let Ok(bytes) = tokio::fs::read(app.store.dir(&id).join(&file)).await else { return not_found(lang) };
    let disposition = if extension == "html" {
        "inline".to_string()
    } else {
        format!("attachment; filename=\"kiemchung-{}.{extension}\"", &id[..8])
    };
    let mut response =
        ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
            .into_response();
    if extension == "html" {
        // Its own scripts run (the filters), but in a sandbox: no cookie, no reach into the page.
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox allow-scripts; frame-ancestors 'self'"),
        );
    }
    response
}

fn check_json(check: &Check) -> serde_json::Value {
    json!({
        "id": check.id, "name": check.name, "owner": check.owner, "uploaded_by": check.uploaded_by,
        "created": check.created, "state": check.state, "done": check.done, "total": check.total,
        "units": check.units, "peak_rss_kib": check.peak_rss_kib,
    })
}

/// The checks the viewer may see, newest first.
async fn checks(AppState(app): Shared, headers: HeaderMap, Query(query): Query<LangQuery>) -> Response {
    let viewer = match viewer(&app, &headers, query.lang()) {
        Ok(viewer) => viewer,
        Err(refused) => return refused,
    };
    let list: Vec<serde_json::Value> =
        app.store.list().iter().filter(|c| viewer.may_see(c.owner.as_deref())).map(check_json).collect();
    Json(json!({ "checks": list })).into_response()
}

/// The province summary (council only): every finished check, its units with the points they
/// claimed and have at risk, and the totals.
async fn summary(AppState(app): Shared, headers: HeaderMap, Query(query): Query<LangQuery>) -> Response {
    let lang = query.lang();
    let viewer = match viewer(&app, &headers, lang) {
        Ok(viewer) => viewer,
        Err(refused) => return refused,
    };
    if !viewer.sees_all() {
        return error(
            StatusCode::FORBIDDEN,
            lang.pick("chỉ hội đồng thẩm định xem được", "for the council only").into(),
        );
    }
    let rows: Vec<serde_json::Value> = app
        .store
        .list()
        .iter()
        .filter(|c| c.state == State::Done)
        .map(|check| {
            let claimed: f64 = check.units.iter().map(|u| u.claimed).sum();
            let at_risk: f64 = check.units.iter().map(|u| u.at_risk).sum();
            json!({
                "check": check.id, "name": check.name, "owner": check.owner, "uploaded_by": check.uploaded_by,
                "created": check.created, "units": check.units, "claimed": claimed, "at_risk": at_risk,
            })
        })
        .collect();
    Json(json!({ "checks": rows })).into_response()
}
