//! Signature facts in words (Vietnamese / English), shared by the findings and `inspect`.

use crate::facts::signature::diff::{ChangeKind, ModificationLevel};
use crate::facts::signature::revision::Coverage;
use crate::facts::signature::{SignatureFacts, SignatureProblem, TimeSource, TrustProblem};
use crate::model::Lang;

pub fn problem(problem: &SignatureProblem, lang: Lang) -> String {
    use SignatureProblem as P;
    let (vi, en) = match problem {
        P::ByteRange(why) => (
            format!("phần tệp mà chữ ký nói là đã ký không dùng được: {why}"),
            format!("the part of the file the signature claims to cover is unusable: {why}"),
        ),
        P::NotCms(why) => (
            format!("dữ liệu chữ ký không đọc được, không đúng chuẩn chữ ký số ({why})"),
            format!("the signature data cannot be read as a digital signature ({why})"),
        ),
        P::UnsupportedSubfilter(name) => {
            (format!("kiểu chữ ký {name} không được hỗ trợ"), format!("signature type {name} is not supported"))
        }
        P::NoSignerCertificate => {
            ("chữ ký không kèm chứng thư số của người ký".into(), "the signer's certificate is not included".into())
        }
        P::NoMessageDigest => (
            "chữ ký không ghi giá trị băm của nội dung đã ký".into(),
            "the signature does not record the digest of the signed content".into(),
        ),
        P::DigestMismatch => (
            "giá trị băm của nội dung đã ký không khớp (tệp bị thay đổi sau khi ký)".into(),
            "the digest of the signed bytes does not match (the file was altered after signing)".into(),
        ),
        P::EncapsulatedDigestMismatch => (
            "giá trị băm SHA-1 ghi trong chữ ký không khớp nội dung đã ký".into(),
            "the SHA-1 digest inside the signature does not match the signed content".into(),
        ),
        P::SignatureFailure(why) => {
            (format!("chữ ký số không xác minh được ({why})"), format!("the signature does not verify ({why})"))
        }
        P::Unsupported(what) => (
            format!("thuật toán không được hỗ trợ nên không xác minh được: {what}"),
            format!("cannot be verified, unsupported: {what}"),
        ),
        P::TimestampInvalid(why) => (
            format!("dấu thời gian kèm chữ ký không hợp lệ: {why}"),
            format!("the signature timestamp is invalid: {why}"),
        ),
        P::Untrusted(why) => trust(why),
        P::PartialCoverage => (
            "vùng ký không bao trùm trọn một phiên bản của tệp".into(),
            "the signed range does not cover a whole revision".into(),
        ),
        P::RevisionUnreadable(why) => {
            (format!("không đọc được một phiên bản của tệp: {why}"), format!("a revision cannot be read: {why}"))
        }
        P::Revoked { at, source } => (
            format!("chứng thư số đã bị thu hồi từ {} (theo {source} kèm trong tệp)", local_time(*at, Lang::Vi)),
            format!("the certificate was revoked on {} (per the embedded {source})", vn_time(*at)),
        ),
        P::OverBudget(which) => (
            format!("không xác minh được: vượt giới hạn xử lý ({which})"),
            format!("cannot be verified: a processing budget was hit ({which})"),
        ),
        P::SeveralSignerInfos(n) => (
            format!("có {n} người ký trong một chữ ký; chỉ kiểm tra người đầu"),
            format!("{n} signers in one signature; only the first was checked"),
        ),
    };
    lang.pick(vi, en)
}

fn trust(problem: &TrustProblem) -> (String, String) {
    match problem {
        TrustProblem::NoPath { issuer } => (
            format!("không có chứng thư gốc tin cậy nào phát hành hoặc dẫn tới \"{issuer}\""),
            format!("no trust anchor issued or leads to \"{issuer}\""),
        ),
        TrustProblem::TooLong => (
            "chuỗi chứng thư dài bất thường (quá 12 cấp)".into(),
            "the certificate chain is abnormally long (over 12 levels)".into(),
        ),
        TrustProblem::CaNotValidAtTime { subject } => (
            format!("CA \"{subject}\" không có hiệu lực vào thời điểm ký"),
            format!("CA \"{subject}\" was not valid at the signing time"),
        ),
        TrustProblem::NotCa { subject } => (
            format!("\"{subject}\" không được phép phát hành chứng thư (không phải CA)"),
            format!("\"{subject}\" may not issue certificates (not a CA)"),
        ),
        TrustProblem::UnknownCriticalExtension { subject, oid } => (
            format!("chứng thư \"{subject}\" có phần mở rộng bắt buộc (critical) không xử lý được: {oid}"),
            format!("certificate \"{subject}\" has a critical extension that is not processed: {oid}"),
        ),
        TrustProblem::NameConstraints { subject, name, ca } => (
            format!("tên \"{name}\" của \"{subject}\" nằm ngoài phạm vi tên CA \"{ca}\" được phép cấp"),
            format!("the name \"{name}\" of \"{subject}\" is outside the names CA \"{ca}\" may certify"),
        ),
        TrustProblem::SearchBudget { signature_checks } => (
            format!("dừng dựng chuỗi chứng thư ở giới hạn {signature_checks} lần kiểm tra chữ ký chứng thư"),
            format!("the path search stopped at its budget of {signature_checks} certificate signature checks"),
        ),
    }
}

pub fn change(kind: ChangeKind, lang: Lang) -> &'static str {
    use ChangeKind as K;
    let (vi, en) = match kind {
        K::NewSignature => ("thêm chữ ký mới", "a new signature"),
        K::DocumentTimestamp => ("thêm dấu thời gian tài liệu", "a document timestamp"),
        K::SecurityStore => ("dữ liệu kiểm tra chữ ký dài hạn", "long-term validation data"),
        K::Metadata => ("siêu dữ liệu mô tả tệp", "the file's descriptive metadata"),
        K::DocumentInfo => ("thông tin tài liệu (tác giả, tiêu đề)", "document information (author, title)"),
        K::FormField => ("trường biểu mẫu", "a form field"),
        K::Widget => ("ô hiển thị của trường ký/biểu mẫu", "a form or signature widget"),
        K::Annotation => ("ghi chú, đánh dấu trên trang", "a note or mark on a page"),
        K::PageContent => ("nội dung trang", "page content"),
        K::PageTree => ("cây trang (thêm, bớt, đổi trang)", "the page tree (pages added, removed or moved)"),
        K::Catalog => ("cấu trúc gốc của tài liệu", "the document's root structure"),
        K::SignatureDictionary => ("thông tin của một chữ ký đã có", "the details of an existing signature"),
        K::Trailer => ("phần cuối tệp (gốc tài liệu, mã hoá)", "the end-of-file section (document root, encryption)"),
        K::Deleted => ("xóa đối tượng", "an object deleted"),
        K::Object => ("đối tượng khác", "another object"),
    };
    lang.pick(vi, en)
}

pub fn level(level: ModificationLevel, lang: Lang) -> &'static str {
    use ModificationLevel as L;
    let (vi, en) = match level {
        L::None => ("không thay đổi", "no change"),
        L::LtaUpdates => ("chỉ bổ sung dữ liệu kiểm tra dài hạn/dấu thời gian", "long-term validation data only"),
        L::FormFilling => ("ký tiếp hoặc điền biểu mẫu (hợp lệ)", "further signatures or form filling (allowed)"),
        L::Annotations => ("thêm chú thích lên trang", "annotations added"),
        L::Other => ("thay đổi nội dung đã ký", "changes to the signed content"),
    };
    lang.pick(vi, en)
}

pub fn coverage(coverage: Coverage, lang: Lang) -> &'static str {
    let (vi, en) = match coverage {
        Coverage::EntireFile => ("toàn bộ tệp", "the entire file"),
        Coverage::EntireRevision => {
            ("trọn phiên bản đã ký (có phiên bản sau)", "its whole revision (later revisions follow)")
        }
        Coverage::ContiguousBlockFromStart => {
            ("một đoạn từ đầu tệp, không trọn phiên bản", "a block from the start, not a whole revision")
        }
        Coverage::Unclear => ("không rõ ràng (vùng ký bất thường)", "unclear (anomalous byte range)"),
    };
    lang.pick(vi, en)
}

pub fn time_source(source: Option<TimeSource>, lang: Lang) -> &'static str {
    let (vi, en) = match source {
        Some(TimeSource::Timestamp) => {
            ("dấu thời gian của dịch vụ cấp dấu thời gian", "a timestamp from a timestamping service")
        }
        Some(TimeSource::SignedAttribute) => {
            ("thời điểm ký được bảo vệ bởi chữ ký", "the signing time protected by the signature")
        }
        Some(TimeSource::M) => (
            "thời điểm ký ghi trong chữ ký, không được bảo vệ bởi chữ ký",
            "the signing time written beside the signature, not protected by it",
        ),
        None => ("không có", "none"),
    };
    lang.pick(vi, en)
}

/// The signer as a person reads it: common name, else the DN, else "unknown".
pub fn signer(sig: &SignatureFacts, lang: Lang) -> String {
    sig.signer_name.clone().or_else(|| sig.signer.clone()).unwrap_or_else(|| lang.pick("không rõ", "unknown").into())
}

/// A time for a person, in Vietnam's zone: `12/11/2023 09:30:00` in Vietnamese, ISO-like with the
/// offset in English.
pub fn local_time(time: jiff::Timestamp, lang: Lang) -> String {
    let zoned = time.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(7)));
    match lang {
        Lang::Vi => zoned.strftime("%d/%m/%Y %H:%M:%S").to_string(),
        Lang::En => vn_time(time),
    }
}

/// A time shown in Vietnam's zone, as the documents print it.
pub fn vn_time(time: jiff::Timestamp) -> String {
    let offset = jiff::tz::Offset::constant(7);
    time.to_zoned(jiff::tz::TimeZone::fixed(offset)).strftime("%Y-%m-%d %H:%M:%S %:z").to_string()
}
