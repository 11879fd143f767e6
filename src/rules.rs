//! The one registry of rules: code, name, default severity, whether it is implemented yet, and
//! the explanation `kiemchung rule CODE` prints (what it means, why the council scores zero, how
//! to fix it), in Vietnamese and in English. Codes are stable: add, never renumber. With the
//! finding a rule makes and its severity, this is a leaf module: checks and the report model both
//! build on it, it builds on nothing of theirs.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    /// The council would likely give the criterion zero points.
    Zero,
}

impl Severity {
    /// The word a report shows (`0 điểm`, `cảnh báo`, `thông tin`).
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Severity::Zero => lang.pick("0 điểm", "zero"),
            Severity::Warning => lang.pick("cảnh báo", "warning"),
            Severity::Info => lang.pick("thông tin", "info"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Zero => "zero",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    /// Picks the sentence in this language.
    pub fn pick<T>(self, vi: T, en: T) -> T {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    #[serde(deserialize_with = "crate::interned::static_str")]
    pub code: crate::interned::StaticStr,
    #[serde(deserialize_with = "crate::interned::static_str")]
    pub name: crate::interned::StaticStr,
    pub severity: Severity,
    pub unit: Option<String>,
    pub criterion: Option<String>,
    pub file: Option<String>,
    pub page: Option<u32>,
    pub message: String,
    pub excerpt: Option<String>,
    /// What the finding rests on: `signature`, `text-layer`, `ocr`, `sheet`, or the file itself.
    #[serde(deserialize_with = "crate::interned::static_str_option")]
    pub source: Option<crate::interned::StaticStr>,
}

impl Finding {
    pub fn new(code: Code, message: String) -> Self {
        let rule = code.rule();
        Finding {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            unit: None,
            criterion: None,
            file: None,
            page: None,
            message,
            excerpt: None,
            source: default_source(rule.code),
        }
    }
    pub fn unit(mut self, unit: Option<&str>) -> Self {
        self.unit = unit.map(str::to_string);
        self
    }
    pub fn criterion(mut self, criterion: Option<&str>) -> Self {
        self.criterion = criterion.map(str::to_string);
        self
    }
    pub fn file(mut self, file: Option<&str>) -> Self {
        self.file = file.map(str::to_string);
        self
    }
    pub fn page(mut self, page: Option<u32>) -> Self {
        self.page = page;
        self
    }
    pub fn excerpt(mut self, excerpt: impl Into<String>) -> Self {
        let text = excerpt.into();
        self.excerpt = (!text.is_empty()).then_some(text);
        self
    }
}

/// What a rule's findings usually rest on (a finding read by OCR says `ocr` instead).
fn default_source(code: &str) -> Option<&'static str> {
    match &code[..3] {
        "KC1" => Some("signature"),
        "KC2" | "KC3" | "KC7" => Some("text-layer"),
        "KC4" | "KC5" => Some("sheet"),
        _ => None,
    }
}

pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// False for rules declared by the contract but not checked by this version.
    pub implemented: bool,
    /// What of a document's text the rule reads: a run reads as much as its selected rules need.
    pub needs: Needs,
    pub vi: Explanation,
    pub en: Explanation,
}

/// How much of a document's page text a rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Needs {
    /// Signatures, the workbook, the file itself: no page text.
    Nothing,
    /// The header page (the issuing body printed on it).
    HeaderPage,
    /// Every page: numbers, dates, citations, tables, layers, fingerprints.
    AllText,
}

pub struct Explanation {
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
}

impl Rule {
    pub fn explanation(&self, lang: Lang) -> &Explanation {
        lang.pick(&self.vi, &self.en)
    }
}

macro_rules! rules {
    ($($code:ident $name:literal $severity:ident $implemented:literal $needs:ident
        vi($vw:literal, $vy:literal, $vf:literal) en($ew:literal, $ey:literal, $ef:literal))*) => {
        /// A rule code; `code.rule()` gives its registry entry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($code),* }

        pub static RULES: &[Rule] = &[$(Rule {
            code: stringify!($code),
            name: $name,
            severity: Severity::$severity,
            implemented: $implemented,
            needs: Needs::$needs,
            vi: Explanation { what: $vw, why: $vy, fix: $vf },
            en: Explanation { what: $ew, why: $ey, fix: $ef },
        }),*];
    };
}

impl Code {
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }
}

/// The rule with this code (`KC202`, any case).
pub fn lookup(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.code.eq_ignore_ascii_case(code.trim()))
}

rules! {
    KC101 "unsigned" Zero true Nothing
        vi("Tài liệu kiểm chứng không có chữ ký số.",
           "Hướng dẫn yêu cầu tài liệu kiểm chứng là văn bản điện tử được ký số theo quy định; bản không ký số không được công nhận, tiêu chí bị chấm 0 điểm.",
           "Thay bằng bản PDF đã ký số của cơ quan ban hành (bản phát hành trên hệ thống quản lý văn bản).")
        en("The evidence file carries no digital signature.",
           "The guidance requires evidence to be an electronic document digitally signed as the regulations require; an unsigned copy is not accepted and the criterion scores zero.",
           "Attach the digitally signed PDF as issued by the issuing body (the copy released through the document management system).")
    KC102 "signature-invalid" Zero true Nothing
        vi("Chữ ký số không hợp lệ: chữ ký CMS hoặc giá trị băm trên /ByteRange không khớp.",
           "Chữ ký hỏng nghĩa là không chứng minh được văn bản còn nguyên vẹn.",
           "Lấy lại bản gốc đã ký từ hệ thống; không mở và lưu lại tệp bằng phần mềm chỉnh sửa PDF.")
        en("The CMS signature or the digest over /ByteRange does not verify.",
           "A broken signature proves nothing about the document's integrity.",
           "Fetch the original signed file again; do not open and re-save it in a PDF editor.")
    KC103 "modified-after-signing" Zero true Nothing
        vi("Một bản cập nhật sau khi ký đã thay đổi nội dung được ký (nội dung trang, số trang, giá trị biểu mẫu).",
           "Nội dung hiện tại không phải nội dung đã ký.",
           "Đính kèm đúng bản đã ký, không sửa sau khi ký.")
        en("A later revision changes what was signed (page content, pages, form values).",
           "What is shown is not what was signed.",
           "Attach the file exactly as signed; never edit it after signing.")
    KC104 "certificate-not-valid-at-signing" Zero true Nothing
        vi("Chứng thư số của người ký đã hết hạn hoặc chưa có hiệu lực tại thời điểm ký.",
           "Chữ ký bằng chứng thư không còn hiệu lực không có giá trị pháp lý.",
           "Ký lại bằng chứng thư số còn hiệu lực.")
        en("The signer certificate was expired or not yet valid at signing time.",
           "A signature made with a certificate outside its validity has no legal value.",
           "Re-sign with a valid certificate.")
    KC105 "untrusted-issuer" Warning true Nothing
        vi("Chuỗi chứng thư của người ký không dẫn tới một gốc tin cậy đã cấu hình.",
           "Không xác định được tổ chức cung cấp dịch vụ chứng thực chữ ký số hợp pháp.",
           "Dùng chứng thư do Ban Cơ yếu Chính phủ hoặc tổ chức được cấp phép cấp; hội đồng có thể bổ sung gốc tin cậy bằng --trust.")
        en("The signer's chain does not reach a configured trust anchor.",
           "The certificate cannot be tied to a lawful certification service.",
           "Sign with a certificate from the Government CA or a licensed CA; auditors may add anchors with --trust.")
    KC106 "weak-signature-algorithm" Warning true Nothing
        vi("Thuật toán chữ ký yếu: SHA-1, RSA dưới 2048 bit hoặc tương tự.",
           "Thuật toán yếu không còn bảo đảm tính toàn vẹn.",
           "Ký lại bằng SHA-256 và khóa RSA từ 2048 bit hoặc ECDSA.")
        en("Weak signature algorithm: SHA-1, RSA below 2048 bits, or similar.",
           "Weak algorithms no longer guarantee integrity.",
           "Re-sign with SHA-256 and RSA ≥ 2048 bits or ECDSA.")
    KC107 "signer-not-issuer" Warning true HeaderPage
        vi("Tổ chức ký số không trùng với cơ quan ban hành ghi ở đầu văn bản.",
           "Văn bản có thể được ký bởi cơ quan khác với cơ quan ban hành.",
           "Kiểm tra lại bản phát hành đúng của cơ quan ban hành.")
        en("The signing organisation does not match the issuer named in the document header.",
           "The document may have been signed by someone other than its issuer.",
           "Check that the attached copy is the one released by its issuer.")
    KC108 "signature-not-verifiable" Warning true Nothing
        vi("Không kiểm tra được chữ ký số: thuật toán hoặc kiểu chữ ký chưa hỗ trợ, thiếu chứng thư của người ký, hoặc vượt giới hạn an toàn khi kiểm tra.",
           "Chữ ký không được chứng minh là hỏng, nhưng cũng chưa được chứng minh là hợp lệ: cần người xem lại.",
           "Mở tệp bằng phần mềm ký số của Ban Cơ yếu Chính phủ (vSign) hoặc Adobe Reader để xem chữ ký; nếu không xem được, lấy lại bản đã ký từ hệ thống quản lý văn bản.")
        en("The signature could not be verified at all: an unsupported algorithm or SubFilter, no signer certificate, or a safety budget hit while verifying.",
           "The signature is not proven broken, nor proven valid: a person must look at it.",
           "Open the file in the Government Cipher Committee's signing software (vSign) or Adobe Reader to see the signature; if it cannot be shown, fetch the signed copy again from the document management system.")
    KC201 "missing-number" Zero true AllText
        vi("Không tìm thấy dòng \"Số: …\" ở phần đầu văn bản.",
           "Văn bản không có số, ký hiệu là văn bản chưa ban hành, không được công nhận là tài liệu kiểm chứng.",
           "Đính kèm bản đã ban hành có số, ký hiệu (ví dụ \"Số: 55/BC-UBND\").")
        en("No \"Số: …\" line can be found in the document header.",
           "A document without a number has not been issued and is not accepted as evidence.",
           "Attach the issued copy with its number and symbol (e.g. \"Số: 55/BC-UBND\").")
    KC202 "placeholder-number" Zero true AllText
        vi("Số văn bản để trống, là dấu chấm, dấu ba chấm hoặc chữ giữ chỗ (a, b, x…): \"Số: /KH-UBND\".",
           "Hướng dẫn chấm 0 điểm tiêu chí có tài liệu kiểm chứng mang số văn bản \"a, b\" — tức bản dự thảo chưa phát hành.",
           "Thay bằng bản đã vào số, đã ký số và phát hành.")
        en("The number is blank, dots, an ellipsis or a placeholder letter (a, b, x…): \"Số: /KH-UBND\".",
           "The guidance scores zero any criterion whose evidence carries a number \"a, b\": an unissued draft.",
           "Attach the numbered, signed and released copy.")
    KC203 "malformed-symbol" Warning true AllText
        vi("Số, ký hiệu không theo dạng SỐ/LOẠI-CƠ QUAN của Nghị định 30/2020/NĐ-CP.",
           "Số, ký hiệu sai thể thức khiến khó đối chiếu và có thể là bản chưa phát hành.",
           "Kiểm tra lại số, ký hiệu theo Nghị định 30/2020/NĐ-CP (ví dụ 55/BC-UBND, 30/2020/NĐ-CP).")
        en("The number and symbol do not follow the Nghị định 30/2020 shape NUMBER/TYPE-ISSUER.",
           "A malformed symbol is hard to match and may mark an unissued copy.",
           "Check the number and symbol against Nghị định 30/2020 (e.g. 55/BC-UBND, 30/2020/NĐ-CP).")
    KC301 "blank-date" Zero true AllText
        vi("Ngày tháng văn bản để trống: \"ngày … tháng … năm …\".",
           "Văn bản không ghi ngày là bản chưa ban hành.",
           "Đính kèm bản đã ban hành có đầy đủ ngày, tháng, năm.")
        en("The date \"ngày … tháng … năm …\" is left blank.",
           "An undated document has not been issued.",
           "Attach the issued copy with its full date.")
    KC302 "date-after-cutoff" Zero true AllText
        vi("Ngày văn bản sau thời điểm chốt số liệu của tiêu chí.",
           "Kết quả phát sinh sau thời điểm chốt số liệu không được tính.",
           "Dùng văn bản ban hành trước thời điểm chốt số liệu, hoặc kiểm tra lại ngày ghi trên văn bản.")
        en("The document is dated after the criterion's data cutoff.",
           "Results after the cutoff are not counted.",
           "Use a document issued before the cutoff, or check the printed date.")
    KC303 "date-before-period" Zero true AllText
        vi("Ngày văn bản trước kỳ đánh giá.",
           "Tài liệu của năm trước không chứng minh kết quả của năm đánh giá.",
           "Đính kèm văn bản ban hành trong kỳ đánh giá.")
        en("The document is dated before the assessment period.",
           "Last year's documents do not prove this year's results.",
           "Attach a document issued within the assessment period.")
    KC304 "invalid-date" Zero true AllText
        vi("Ngày văn bản không tồn tại (31/02…) hoặc không đọc được.",
           "Ngày sai cho thấy văn bản chưa được kiểm soát thể thức, không xác định được thời điểm ban hành.",
           "Kiểm tra và sửa ngày ban hành trên văn bản gốc.")
        en("The date does not exist (31/02…) or cannot be read.",
           "An impossible date leaves the date of issue unknown.",
           "Check and correct the date of issue on the original.")
    KC305 "signed-before-dated" Warning true AllText
        vi("Thời điểm ký số sớm hơn ngày ghi trên văn bản.",
           "Văn bản có thể đã bị sửa ngày sau khi ký.",
           "Kiểm tra lại ngày văn bản và thời điểm ký.")
        en("The signing time is earlier than the document date.",
           "The date may have been changed after signing.",
           "Check the document date against the signing time.")
    KC401 "missing-explanation" Zero true AllText
        vi("Có điểm tự chấm nhưng phần giải trình để trống.",
           "Hội đồng chỉ thẩm định tiêu chí có giải trình chi tiết, rõ ràng.",
           "Viết giải trình nêu số liệu, kết quả và vị trí trong tài liệu kiểm chứng.")
        en("A score is claimed and the explanation is empty.",
           "The council appraises only criteria with a detailed explanation.",
           "Write the explanation: the figures, the results and where in the evidence they are.")
    KC402 "no-citation" Zero true AllText
        vi("Giải trình không chỉ ra Mục / Khoản / Điểm / Phần nào của văn bản chứa số liệu.",
           "Hướng dẫn chấm 0 điểm giải trình không nêu rõ số liệu nằm ở Mục, Điểm, Khoản nào của tài liệu.",
           "Ghi rõ vị trí, ví dụ \"tại Khoản 2, Mục I, Báo cáo số 55/BC-UBND ngày 12/11/2023\".")
        en("The explanation cites no Mục / Khoản / Điểm / Phần of any document.",
           "The guidance scores zero an explanation that does not say where the figures are.",
           "Say where, e.g. \"tại Khoản 2, Mục I, Báo cáo số 55/BC-UBND ngày 12/11/2023\".")
    KC403 "cited-document-not-attached" Zero true AllText
        vi("Giải trình dẫn một số văn bản không có trong tài liệu kiểm chứng của tiêu chí.",
           "Hội đồng không thể kiểm tra số liệu trong văn bản không được đính kèm.",
           "Đính kèm văn bản được dẫn, hoặc sửa số văn bản trong giải trình.")
        en("The explanation cites a document number not among the row's evidence.",
           "The council cannot check figures in a document that is not attached.",
           "Attach the cited document, or correct the number in the explanation.")
    KC404 "cited-section-missing" Zero true AllText
        vi("Mục / Khoản / Điểm được dẫn không có trong văn bản được dẫn.",
           "Giải trình dẫn sai vị trí bị coi là không rõ ràng.",
           "Sửa vị trí dẫn cho đúng với văn bản.")
        en("The cited Mục / Khoản / Điểm does not exist in the cited document.",
           "A citation to a place that does not exist makes the explanation unclear.",
           "Correct the cited place.")
    KC405 "cited-document-mismatch" Warning true AllText
        vi("Số văn bản được dẫn khớp với tệp đính kèm nhưng ngày hoặc loại văn bản khác.",
           "Dẫn sai ngày hoặc loại văn bản làm giải trình thiếu chính xác.",
           "Sửa ngày, loại văn bản trong giải trình cho khớp với văn bản.")
        en("The cited number matches an attachment but its date or type differs.",
           "A wrong date or type makes the explanation inexact.",
           "Correct the date or type in the explanation.")
    KC501 "score-above-max" Zero true Nothing
        vi("Điểm tự chấm cao hơn điểm tối đa của tiêu chí.",
           "Điểm vượt mức tối đa là tự chấm sai.",
           "Chấm lại không vượt điểm tối đa trong bộ tiêu chí.")
        en("The self score is above the criterion's maximum.",
           "A score above the maximum is a scoring error.",
           "Score at most the catalog's maximum.")
    KC502 "score-without-evidence" Zero true Nothing
        vi("Tự chấm điểm lớn hơn 0 nhưng không có tài liệu kiểm chứng.",
           "Tiêu chí không có tài liệu kiểm chứng không được thẩm định và bị chấm 0 điểm.",
           "Đính kèm tài liệu kiểm chứng, hoặc chấm 0 nếu không phát sinh nội dung.")
        en("A score above 0 is claimed with no evidence file.",
           "A criterion without evidence is not appraised and scores zero.",
           "Attach the evidence, or score 0 when there was nothing to do.")
    KC503 "missing-statistics-table" Zero true AllText
        vi("Tiêu chí yêu cầu Bảng thống kê nhưng không tài liệu nào đính kèm có bảng này.",
           "Hướng dẫn chấm 0 điểm tiêu chí không lập Bảng thống kê kết quả theo yêu cầu.",
           "Lập và đính kèm Bảng thống kê (thường ở Phụ lục của báo cáo).")
        en("The criterion requires a statistics table and none is attached.",
           "The guidance scores zero a criterion whose required statistics table was not made.",
           "Make and attach the statistics table (usually an annex of the report).")
    KC504 "evidence-file-missing" Zero true Nothing
        vi("Bảng tự chấm liệt kê một tệp không có trong hồ sơ (hoặc đường dẫn ra ngoài thư mục đơn vị).",
           "Tài liệu không có trong hồ sơ thì hội đồng không thể kiểm tra.",
           "Bổ sung tệp vào đúng thư mục, hoặc sửa tên tệp trong bảng tự chấm.")
        en("The sheet lists a file that is not in the submission (or a path leaving the unit folder).",
           "The council cannot check a file that is not there.",
           "Add the file, or correct its name in the sheet.")
    KC505 "unknown-criterion" Warning true Nothing
        vi("Bảng tự chấm có mã tiêu chí không có trong bộ tiêu chí.",
           "Điểm ghi cho mã không tồn tại sẽ không được tính.",
           "Sửa mã tiêu chí theo bộ tiêu chí đang áp dụng (--catalog).")
        en("The sheet has a code the catalog does not know.",
           "A score under an unknown code is not counted.",
           "Use the codes of the catalog in force (--catalog).")
    KC601 "unreadable-file" Zero true Nothing
        vi("Tệp hỏng, bị cắt cụt, rỗng hoặc không đúng định dạng như phần mở rộng.",
           "Hội đồng không mở được tệp thì không có tài liệu kiểm chứng.",
           "Tải lại tệp gốc từ hệ thống và kiểm tra mở được trước khi nộp.")
        en("The file is corrupt, truncated, empty, or not what its extension says.",
           "A file the council cannot open is no evidence.",
           "Download the original again and check that it opens.")
    KC602 "encrypted-file" Zero true Nothing
        vi("Tệp được đặt mật khẩu, không kiểm tra được.",
           "Hội đồng không mở được tệp có mật khẩu.",
           "Đính kèm bản không đặt mật khẩu.")
        en("The file is password-protected and cannot be checked.",
           "The council cannot open a password-protected file.",
           "Attach a copy without a password.")
    KC603 "no-text-layer" Warning true AllText
        vi("PDF chỉ có ảnh quét, không có lớp chữ: không tự kiểm tra được số, ngày và trích dẫn.",
           "Bản số hóa có ký số vẫn hợp lệ, nhưng cần người xem; bản quét không ký số còn bị KC101.",
           "Ưu tiên bản điện tử gốc; nếu là bản số hóa, bảo đảm đã ký số.")
        en("A scanned, image-only PDF: number, date and citations cannot be checked automatically.",
           "A signed digitised copy is valid evidence but needs a human look; an unsigned one also gets KC101.",
           "Prefer the born-digital original; a digitised copy must be signed.")
    KC604 "unsupported-evidence-format" Zero true Nothing
        vi("Tệp .doc/.docx/.xls, ảnh hoặc tệp nén trong khi yêu cầu là PDF đã ký số.",
           "Bản Word, Excel, ảnh là bản nháp hoặc bản sao không có chữ ký số.",
           "Thay bằng bản PDF đã ký số.")
        en("A .doc/.docx/.xls draft, an image or an archive where a signed PDF is required.",
           "Word, Excel and image files are drafts or copies without a digital signature.",
           "Replace it with the signed PDF.")
    KC605 "repaired-file" Warning true AllText
        vi("Bảng tham chiếu chéo của PDF bị hỏng, phải dựng lại mới đọc được.",
           "Tệp đã bị hỏng hoặc bị sửa bằng công cụ không chuẩn.",
           "Lấy lại bản gốc.")
        en("The PDF's cross-reference table was broken and had to be rebuilt.",
           "The file was damaged or edited by a non-conforming tool.",
           "Fetch the original again.")
    KC606 "legacy-encoding" Warning true AllText
        vi("Văn bản dùng bảng mã cũ (TCVN3/ABC, VNI); đã chuyển đổi để kiểm tra.",
           "Bảng mã cũ cho thấy văn bản soạn bằng mẫu cũ, dễ sai khi đối chiếu.",
           "Soạn văn bản bằng Unicode.")
        en("The text uses a pre-Unicode Vietnamese encoding (TCVN3/ABC, VNI); checked after conversion.",
           "Legacy encodings mark old templates and make matching error-prone.",
           "Write documents in Unicode.")
    KC607 "unreadable-text-layer" Warning true AllText
        vi("Lớp chữ của PDF không giải mã được thành chữ đọc được (phông không có bảng mã Unicode dùng được, tệp \"in ra PDF\" qua PostScript); số, ngày, trích dẫn không được kiểm tra tự động.",
           "Hội đồng vẫn đọc được văn bản trên trang, nhưng máy không đọc được: không thể tự kiểm tra số, ngày và nơi trích dẫn, nên cần người xem.",
           "Xuất lại PDF trực tiếp từ tệp gốc (Lưu thành PDF / Export PDF), không qua máy in ảo, rồi ký số lại.")
        en("The PDF shows text whose characters do not decode to readable text (fonts without a usable Unicode map, a file printed to PDF through PostScript); number, date and citations were not checked automatically.",
           "A council member can read the page, the tool cannot: number, date and cited places need a human look.",
           "Export the PDF directly from the original (Save as / Export PDF), not through a PDF printer, and sign it again.")
    KC608 "several-workbooks" Warning true Nothing
        vi("Thư mục đơn vị có nhiều bảng tự chấm điểm ngang hàng nhau: chỉ một bảng được đọc (bảng đầu tiên theo tên).",
           "Hội đồng có thể chấm theo bảng khác với bảng đã được kiểm tra.",
           "Chỉ để lại một bảng tự chấm điểm trong thư mục đơn vị; chuyển bản cũ, bản nháp ra ngoài hoặc đặt tên có chữ \"bản cũ\".")
        en("The unit folder holds several self-assessment workbooks of equal standing: only one was read (the first by name).",
           "The council may score from another workbook than the one checked.",
           "Keep one self-assessment workbook in the unit folder; move old versions and drafts out, or name them \"bản cũ\".")
    KC701 "number-reused" Warning true AllText
        vi("Một số, ký hiệu của cùng cơ quan ban hành xuất hiện trên hai văn bản khác nhau.",
           "Số văn bản trùng cho thấy có văn bản không phải bản phát hành thật.",
           "Kiểm tra lại văn bản nào là bản đúng.")
        en("One issuer's number is printed on two different documents.",
           "A reused number means one of them is not a real release.",
           "Check which copy is the real one.")
    KC702 "evidence-reused-across-units" Info true AllText
        vi("Cùng một tệp (giống hệt từng byte) được nhiều đơn vị đính kèm.",
           "Bình thường với kế hoạch của cấp trên; bất thường với báo cáo riêng của đơn vị.",
           "Không cần sửa nếu là văn bản chung của cấp trên.")
        en("Byte-identical evidence attached by several units.",
           "Normal for a parent body's plan; a unit's own report should not appear elsewhere.",
           "Nothing to fix when it is a parent body's document.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_registry_rows_line_up() {
        for (index, rule) in RULES.iter().enumerate() {
            assert!(rule.code.starts_with("KC") && rule.code.len() == 5, "{}", rule.code);
            if index > 0 {
                assert!(RULES[index - 1].code < rule.code, "codes sorted and unique");
            }
            for text in [rule.vi.what, rule.vi.why, rule.vi.fix, rule.en.what, rule.en.why, rule.en.fix] {
                assert!(!text.trim().is_empty(), "{} has an empty explanation", rule.code);
            }
        }
        assert_eq!(Code::KC202.rule().name, "placeholder-number");
        assert_eq!(Code::KC702.rule().code, "KC702");
        assert_eq!(lookup("kc604").map(|r| r.name), Some("unsupported-evidence-format"));
    }
}

/// Reads `--select`/`--ignore` entries: codes or prefixes (`KC2`, `KC501`), any case, spaces around
/// commas allowed. Err names what is unknown and the codes close to it (a typo such as `KC1O1`).
pub fn parse_code_list(entries: &[String], lang: crate::model::Lang) -> Result<Vec<String>, String> {
    let mut codes = Vec::new();
    for entry in entries.iter().flat_map(|e| e.split(',')).map(|e| e.trim().to_ascii_uppercase()) {
        if entry.is_empty() {
            continue;
        }
        if !RULES.iter().any(|rule| rule.code.starts_with(&entry)) || entry.len() < 3 {
            let mut close: Vec<&str> =
                RULES.iter().map(|r| r.code).filter(|code| edit_distance(code, &entry) <= 2).collect();
            close.truncate(5);
            return Err(if close.is_empty() {
                lang.pick(
                    format!("'{entry}' không phải mã quy tắc (xem: kiemchung rule)"),
                    format!("'{entry}' is not a rule code (see: kiemchung rule)"),
                )
            } else {
                let close = close.join(", ");
                lang.pick(
                    format!("'{entry}' không phải mã quy tắc; có phải {close}?"),
                    format!("'{entry}' is not a rule code; did you mean {close}?"),
                )
            });
        }
        codes.push(entry);
    }
    Ok(codes)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod code_list_tests {
    use super::parse_code_list;

    #[test]
    fn codes_as_a_clerk_types_them() {
        let list = |text: &str| parse_code_list(&[text.to_string()], crate::model::Lang::En);
        assert_eq!(list("KC101, KC202").unwrap(), ["KC101", "KC202"]);
        assert_eq!(list("kc2,KC501 ,").unwrap(), ["KC2", "KC501"]);
        let typo = list("KC1O1").unwrap_err();
        assert!(typo.contains("KC101"), "{typo}");
        assert!(list("KC999").is_err());
        assert!(list("K").is_err(), "too short to mean anything");
    }
}
