//! Signature facts in words (Vietnamese / English), shared by the findings and `inspect`.

use crate::facts::signature::crypto::{SignatureFault, Unsupported};
use crate::facts::signature::diff::{ChangeKind, ModificationLevel};
use crate::facts::signature::revision::Coverage;
use crate::facts::signature::{
    ByteRangeFault, SignatureFacts, SignatureProblem, TimeSource, TimestampFault, TrustProblem,
};
use crate::model::Lang;

pub fn problem(problem: &SignatureProblem, lang: Lang) -> String {
    use SignatureProblem as P;
    let (vi, en) = match problem {
        P::ByteRange(fault) => (
            format!("phần tệp mà chữ ký nói là đã ký không dùng được: {}", byte_range(*fault, Lang::Vi)),
            format!("the part of the file the signature claims to cover is unusable: {}", byte_range(*fault, Lang::En)),
        ),
        // The parser's detail is for a specialist: English only.
        P::NotCms(why) => (
            "dữ liệu chữ ký không đọc được, không đúng chuẩn chữ ký số".into(),
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
        P::SignatureFailure(fault) => (
            format!("chữ ký số không xác minh được ({})", signature_fault(fault, Lang::Vi)),
            format!("the signature does not verify ({})", signature_fault(fault, Lang::En)),
        ),
        P::Unsupported(what) => (
            format!("thuật toán không được hỗ trợ nên không xác minh được: {}", unsupported(what, Lang::Vi)),
            format!("cannot be verified, unsupported: {}", unsupported(what, Lang::En)),
        ),
        P::TimestampInvalid(fault) => (
            format!("dấu thời gian kèm chữ ký không hợp lệ: {}", timestamp_fault(fault, Lang::Vi)),
            format!("the signature timestamp is invalid: {}", timestamp_fault(fault, Lang::En)),
        ),
        P::Untrusted(why) => trust(why),
        P::PartialCoverage => (
            "vùng ký không bao trùm trọn một phiên bản của tệp".into(),
            "the signed range does not cover a whole revision".into(),
        ),
        P::RevisionUnreadable(why) => {
            ("không đọc được một phiên bản của tệp".into(), format!("a revision cannot be read: {why}"))
        }
        P::Revoked { at, source } => (
            format!("chứng thư số đã bị thu hồi từ {} (theo {source} kèm trong tệp)", local_time(*at, Lang::Vi)),
            format!("the certificate was revoked on {} (per the embedded {source})", vn_time(*at)),
        ),
        P::OverBudget(which) => (
            format!("không xác minh được: vượt giới hạn xử lý ({})", which.words(Lang::Vi)),
            format!("cannot be verified: a processing budget was hit ({which})"),
        ),
        P::SeveralSignerInfos(n) => (
            format!("có {n} người ký trong một chữ ký; chỉ kiểm tra người đầu"),
            format!("{n} signers in one signature; only the first was checked"),
        ),
    };
    lang.pick(vi, en)
}

fn byte_range(fault: ByteRangeFault, lang: Lang) -> String {
    match fault {
        ByteRangeFault::Count(numbers) => lang.pick(
            format!("vùng ký ghi {numbers} con số, không thành từng cặp vị trí và độ dài"),
            format!("/ByteRange has {numbers} numbers"),
        ),
        ByteRangeFault::Negative => {
            lang.pick("vùng ký có số âm".into(), "/ByteRange has a negative number".into())
        }
        ByteRangeFault::Overlap { start, previous_end } => lang.pick(
            format!("các đoạn được ký chồng lên nhau hoặc sai thứ tự (một đoạn bắt đầu ở byte {start}, trước byte {previous_end})"),
            format!("/ByteRange ranges overlap or are out of order (a range starts at {start}, before {previous_end})"),
        ),
        ByteRangeFault::PastEnd { end, file_bytes } => lang.pick(
            format!("vùng ký kéo tới byte {end}, quá cuối tệp (tệp chỉ có {file_bytes} byte)"),
            format!("/ByteRange runs to byte {end}, past the end of the file ({file_bytes} bytes)"),
        ),
    }
}

fn signature_fault(fault: &SignatureFault, lang: Lang) -> String {
    match fault {
        SignatureFault::DoesNotMatch(algorithm) => lang.pick(
            format!("chữ ký {algorithm} không khớp với nội dung đã ký"),
            format!("the {algorithm} signature does not match the signed content"),
        ),
        SignatureFault::BadPadding => lang.pick(
            "chữ ký RSA sai cấu trúc (không theo PKCS#1 v1.5)".into(),
            "the RSA padding is not PKCS#1 v1.5".into(),
        ),
        SignatureFault::MalformedSignature(algorithm) => lang.pick(
            format!("giá trị chữ ký {algorithm} sai cấu trúc"),
            format!("a malformed {algorithm} signature value"),
        ),
        SignatureFault::MalformedKey(algorithm) => lang.pick(
            format!("khóa công khai {algorithm} trong chứng thư sai cấu trúc"),
            format!("a malformed {algorithm} public key"),
        ),
        SignatureFault::BadParameters(algorithm) => {
            lang.pick(format!("tham số của thuật toán {algorithm} sai"), format!("bad {algorithm} parameters"))
        }
        SignatureFault::KeyMismatch => lang.pick(
            "thuật toán ký không hợp với loại khóa của chứng thư".into(),
            "the signature algorithm does not match the key".into(),
        ),
    }
}

fn unsupported(what: &Unsupported, lang: Lang) -> String {
    match what {
        Unsupported::Digest(Some(name)) => lang.pick(format!("thuật toán băm {name}"), format!("digest {name}")),
        Unsupported::Digest(None) => {
            lang.pick("thuật toán băm không được ghi rõ".into(), "no digest algorithm named".into())
        }
        Unsupported::SignatureAlgorithm(name) => {
            lang.pick(format!("thuật toán ký {name}"), format!("signature algorithm {name}"))
        }
        Unsupported::PssHash(name) => {
            lang.pick(format!("hàm băm {name} dùng với RSASSA-PSS"), format!("RSASSA-PSS with {name}"))
        }
        Unsupported::KeyAlgorithm(name) => {
            lang.pick(format!("khóa công khai loại {name}"), format!("public key {name}"))
        }
        Unsupported::EcCurve(curve) => {
            let curve = curve.as_deref().unwrap_or("?");
            lang.pick(
                format!("khóa công khai trên đường cong elliptic {curve}"),
                format!("public key on the elliptic curve {curve}"),
            )
        }
        Unsupported::MalformedRsaKey => {
            lang.pick("khóa công khai RSA sai cấu trúc".into(), "a malformed RSA public key".into())
        }
    }
}

fn timestamp_fault(fault: &TimestampFault, lang: Lang) -> String {
    match fault {
        // The parser's detail is for a specialist: English only.
        TimestampFault::Unreadable(why) => lang.pick("không đọc được dấu thời gian".into(), why.clone()),
        TimestampFault::NoTstInfo => {
            lang.pick("dấu thời gian không ghi thông tin thời điểm".into(), "no TSTInfo in the token".into())
        }
        TimestampFault::UnsupportedImprint => lang
            .pick("thuật toán băm của dấu thời gian không được hỗ trợ".into(), "unsupported imprint algorithm".into()),
        TimestampFault::ImprintMismatch => lang.pick(
            "dấu thời gian không phải của chữ ký này (giá trị băm không khớp)".into(),
            "the token's imprint is not this signature's".into(),
        ),
        TimestampFault::TokenNotVerified(problems) => {
            let why: Vec<String> = problems.iter().map(|p| problem(p, lang)).collect();
            lang.pick(
                format!("chữ ký của đơn vị cấp dấu thời gian không xác minh được ({})", why.join("; ")),
                format!("the timestamp authority's signature does not verify ({})", why.join("; ")),
            )
        }
        TimestampFault::NoTime => lang.pick("dấu thời gian không ghi thời điểm".into(), "no time in the token".into()),
        TimestampFault::NoAuthorityCertificate => lang.pick(
            "không kèm chứng thư của đơn vị cấp dấu thời gian".into(),
            "no timestamp authority certificate".into(),
        ),
        TimestampFault::UntrustedAuthority(subject) => lang.pick(
            format!("đơn vị cấp dấu thời gian \"{subject}\" không dẫn tới chứng thư gốc tin cậy"),
            format!("the timestamp authority \"{subject}\" is not trusted"),
        ),
    }
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
