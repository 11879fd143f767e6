//! File rules: KC601 unreadable, KC602 encrypted, KC603 no text layer, KC604 unsupported format,
//! KC605 cross-reference table rebuilt to read the file.

use super::{Code, FileContext};
use crate::facts::pdf::PdfFacts;
use crate::facts::sniff::Kind;
use crate::facts::{Outcome, Problem};
use crate::model::Finding;

/// KC601/KC602/KC604; returns the PDF facts when the file is a readable PDF.
pub fn check<'a>(ctx: &FileContext<'a>, out: &mut Vec<Finding>) -> Option<&'a PdfFacts> {
    let facts = ctx.facts;
    match &facts.outcome {
        Outcome::Ok => {}
        Outcome::Unreadable(problem) => {
            let (vi, en) = describe(problem);
            out.push(ctx.finding(Code::KC601, vi, en));
            return None;
        }
        Outcome::Encrypted => {
            out.push(ctx.finding(
                Code::KC602,
                "Tệp PDF được đặt mật khẩu, không mở để kiểm tra được.".into(),
                "The PDF is password-protected and cannot be opened for checking.".into(),
            ));
            return None;
        }
        Outcome::OverBudget(which) => {
            out.push(ctx.finding(
                Code::KC601,
                format!("Tệp vượt giới hạn xử lý ({which}); không kiểm tra được, cần người xem trực tiếp."),
                format!("The file exceeds a processing limit ({which}); it was not checked and needs a human look."),
            ));
            return None;
        }
    }
    if facts.kind == Kind::Pdf {
        if let Some(legacy) = facts.pdf.as_ref().and_then(|pdf| pdf.legacy_encoding) {
            let (vi, en) = match legacy {
                crate::vn::legacy::Legacy::Tcvn3 => (
                    "Văn bản gõ bằng bảng mã cũ TCVN3/ABC (phông .VnTime): đã chuyển sang Unicode để kiểm tra; nên dùng bản Unicode.",
                    "The text uses the legacy TCVN3/ABC encoding (.VnTime fonts): converted to Unicode for checking; a Unicode version is preferable.",
                ),
                crate::vn::legacy::Legacy::Vni => (
                    "Văn bản gõ bằng bảng mã cũ VNI (phông VNI-Times): đã chuyển sang Unicode để kiểm tra; nên dùng bản Unicode.",
                    "The text uses the legacy VNI encoding (VNI-Times fonts): converted to Unicode for checking; a Unicode version is preferable.",
                ),
            };
            out.push(ctx.finding(Code::KC606, vi.into(), en.into()));
        }
        if facts.pdf.as_ref().is_some_and(|pdf| pdf.repaired) {
            out.push(ctx.finding(
                Code::KC605,
                "Bảng tham chiếu chéo (xref) của tệp PDF bị hỏng và phải dựng lại mới đọc được: tệp có thể đã bị sửa bằng công cụ không chuẩn; nên mở kiểm tra trực tiếp.".into(),
                "The PDF's cross-reference table was broken and had to be rebuilt to read it: the file may have been altered by a non-standard tool; check it by hand.".into(),
            ));
        }
        return facts.pdf.as_ref();
    }
    let (vi, en) = kind_name(facts.kind);
    out.push(ctx.finding(
        Code::KC604,
        format!("Tài liệu kiểm chứng là {vi}, không phải văn bản PDF đã ký số."),
        format!("The evidence is {en}, not a signed PDF."),
    ));
    None
}

/// KC603 for an image-only PDF; true when the PDF has a text layer to check.
pub fn has_text_layer(ctx: &FileContext, pdf: &PdfFacts, out: &mut Vec<Finding>) -> bool {
    if pdf.text_chars >= crate::facts::pdf::MIN_TEXT_CHARS {
        return true;
    }
    out.push(ctx.finding(
        Code::KC603,
        format!(
            "PDF {} trang chỉ có ảnh quét, không có lớp chữ: số, ngày và trích dẫn không tự kiểm tra được.",
            pdf.pages
        ),
        format!(
            "The {}-page PDF is image-only (no text layer): number, date and citations cannot be checked.",
            pdf.pages
        ),
    ));
    false
}

fn describe(problem: &Problem) -> (String, String) {
    match problem {
        Problem::Empty => ("Tệp rỗng (0 byte).".into(), "The file is empty (0 bytes).".into()),
        Problem::NotWhatExtensionSays { extension, found } => {
            let (vi, en) = kind_name(*found);
            (
                format!("Tệp có đuôi .{extension} nhưng nội dung là {vi}: không phải tài liệu như tên gọi."),
                format!("The file is named .{extension} but holds {en}: not what its name says."),
            )
        }
        Problem::Corrupt(detail) => (
            format!("Tệp hỏng hoặc bị cắt cụt, không đọc được ({detail})."),
            format!("The file is corrupt or truncated and cannot be read ({detail})."),
        ),
        Problem::Io(detail) => {
            (format!("Không đọc được tệp ({detail})."), format!("The file cannot be read ({detail})."))
        }
        Problem::Panic(detail) => (
            format!("Bộ đọc gặp lỗi nội bộ khi đọc tệp ({detail}); tệp cần người xem trực tiếp."),
            format!("The reader failed internally on this file ({detail}); it needs a human look."),
        ),
    }
}

/// How a kind is named in a sentence: (Vietnamese, English).
pub fn kind_name(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Empty => ("tệp rỗng", "an empty file"),
        Kind::Pdf => ("PDF", "a PDF"),
        Kind::Docx | Kind::Odt => ("bản Word (.docx/.odt)", "a Word document (.docx/.odt)"),
        Kind::Xlsx | Kind::Ods => ("bảng tính (.xlsx/.ods)", "a spreadsheet (.xlsx/.ods)"),
        Kind::Pptx => ("bản trình chiếu (.pptx)", "a presentation (.pptx)"),
        Kind::Ole => ("tệp Office cũ (.doc/.xls)", "a legacy Office file (.doc/.xls)"),
        Kind::Zip | Kind::Archive => ("tệp nén", "an archive"),
        Kind::Image => ("ảnh", "an image"),
        Kind::Html => ("trang HTML", "an HTML page"),
        Kind::Xml => ("tệp XML", "an XML file"),
        Kind::Rtf => ("tệp RTF", "an RTF file"),
        Kind::Text => ("tệp văn bản thô", "a plain text file"),
        Kind::Unknown => ("tệp không rõ định dạng", "a file of unknown format"),
    }
}
