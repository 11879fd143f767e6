//! The page, embedded: no build step, nothing loaded from elsewhere.

pub const INDEX_HTML: &str = include_str!("page/index.html");
pub const LOGIN_HTML: &str = include_str!("page/login.html");
pub const APP_JS: &str = include_str!("page/app.js");
pub const APP_CSS: &str = include_str!("page/app.css");
