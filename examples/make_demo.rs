//! Writes the demo unit's self-assessment workbook, `fixtures/demo/ubnd-xa-demo/tu-cham-diem.xlsx`.
//! Run: `cargo run --example make_demo`. The evidence PDFs beside it are data copied from
//! ../shared/corpus/synthetic-mini (see fixtures/README.md).

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

/// code, title, max, score, explanation, files
type DemoRow = (&'static str, &'static str, f64, Option<f64>, &'static str, &'static str);

const ROWS: &[DemoRow] = &[
    ("1", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH", 10.5, Some(7.0), "", ""),
    (
        "1.1",
        "Kế hoạch cải cách hành chính năm",
        1.5,
        Some(1.5),
        "UBND xã đã ban hành Kế hoạch cải cách hành chính năm 2023, tại Mục II Kế hoạch.",
        "cai-cach-hanh-chinh-nam-2023.pdf; ttr-ve-viec-ban-hanh-ke-hoach-cai-cach-hanh-chinh-na.pdf",
    ),
    (
        "1.2",
        "Mức độ hoàn thành kế hoạch cải cách hành chính",
        2.0,
        Some(2.0),
        "Hoàn thành 36/36 nhiệm vụ, tại Điểm c, Khoản 2, Mục I, Báo cáo số 271/BC-UBND ngày 13/11/2023.",
        "BC_271_13112023.pdf",
    ),
    (
        "1.3",
        "Công tác kiểm tra cải cách hành chính",
        1.5,
        Some(1.5),
        "Kiểm tra 11/11 cơ quan, tại Khoản 2, Mục I Báo cáo.",
        "bc-ket-qua-kiem-tra-cong-tac-cai-cach-hanh-chinh-na.pdf",
    ),
    ("1.7", "Thực hiện các nhiệm vụ được cấp trên giao", 1.5, Some(1.0), "Tờ trình tại Mục I.", "TTR_50_08032023.docx"),
    ("2", "XÂY DỰNG VÀ TỔ CHỨC THỰC HIỆN VĂN BẢN QUY PHẠM PHÁP LUẬT", 6.0, Some(2.0), "", ""),
    (
        "2.2.2",
        "Mức độ thực hiện kế hoạch theo dõi thi hành pháp luật",
        1.0,
        Some(1.0),
        "Tại Mục I Báo cáo.",
        "theo-doi-tinh-hinh-thi-hanh-phap-luat-nam-2023.pdf",
    ),
    (
        "2.3",
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật",
        1.0,
        Some(1.0),
        "Kế hoạch rà soát tại Mục I.",
        "KH_397_22052023.pdf",
    ),
    ("3.2.1", "Tỷ lệ thủ tục hành chính tiếp nhận, trả kết quả tại Bộ phận Một cửa", 1.0, Some(1.0), "Đạt 100%.", ""),
    (
        "3.3",
        "Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính",
        1.0,
        Some(1.0),
        "Tại Mục I Báo cáo.",
        "835-bc-ttr-ket-qua-tiep-nhan-xu-ly-phan-anh-kien-nghi-cua-c.pdf",
    ),
    (
        "5.3",
        "Đánh giá, phân loại cán bộ, công chức, viên chức",
        1.0,
        Some(1.0),
        "Tại Khoản 1, Mục I Báo cáo.",
        "ket-qua-danh-gia-xep-loai-chat-luong-can-bo-cong.pdf",
    ),
    (
        "5.4",
        "Đào tạo, bồi dưỡng cán bộ, công chức, viên chức",
        1.0,
        Some(1.5),
        "Tại Khoản 1, Mục I Báo cáo.",
        "../xa-khac/dao-tao.pdf",
    ),
    (
        "6.2",
        "Công khai ngân sách theo quy định",
        1.0,
        Some(1.0),
        "Tại Mục I Báo cáo.",
        "239-bc-ubnd-ket-qua-thuc-hien-cong-khai-ngan-sach-nam-2023.pdf",
    ),
    (
        "7.2.2",
        "Sử dụng chữ ký số trong gửi, nhận văn bản điện tử",
        0.5,
        Some(0.5),
        "Tại Mục I Báo cáo.",
        "276-bc-ubnd-ket-qua-ung-dung-cong-nghe-thong-tin-chuyen-doi.pdf",
    ),
    (
        "7.3.4",
        "Triển khai số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        1.0,
        Some(1.0),
        "Tại Mục I Báo cáo.",
        "BC_131_05122023.pdf",
    ),
    (
        "7.4",
        "Bảo đảm an toàn thông tin mạng",
        1.0,
        Some(1.0),
        "Tại Khoản 1, Mục I Báo cáo.",
        "17-bc-ubnd-cong-tac-bao-dam-an-toan-thong-tin-mang-nam-2023.pdf",
    ),
    ("8.1", "Chỉ số hài lòng của người dân, tổ chức", 3.0, None, "Điều tra xã hội học.", ""),
    (
        "8.3",
        "Thực hiện các chỉ tiêu phát triển kinh tế - xã hội được giao",
        1.5,
        Some(1.5),
        "Tại Mục I Báo cáo.",
        "tinh-hinh-thuc-hien-ke-hoach-phat-trien-kinh-te.pdf",
    ),
    (
        "8.4",
        "Thực hiện thu ngân sách hàng năm",
        1.0,
        Some(1.0),
        "Tại Khoản 1, Mục I Báo cáo.",
        "bao-cao-thu-ngan-sach.pdf",
    ),
];

fn main() -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Tự chấm điểm")?;
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_align(FormatAlign::Center).set_text_wrap();
    sheet.merge_range(0, 0, 0, 5, "BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023", &bold)?;
    sheet.write(1, 0, "Đơn vị: Ủy ban nhân dân xã Minh Họa")?;
    // A two-row header: "Điểm" merged over "Tối đa" and "Tự chấm".
    for (col, label) in [(0, "Mã tiêu chí"), (1, "Tên tiêu chí"), (4, "Giải trình"), (5, "Tài liệu kiểm chứng")]
    {
        sheet.merge_range(3, col, 4, col, label, &header)?;
    }
    sheet.merge_range(3, 2, 3, 3, "Điểm", &header)?;
    sheet.write_with_format(4, 2, "Tối đa", &header)?;
    sheet.write_with_format(4, 3, "Tự chấm", &header)?;
    let mut row = 5;
    for (code, title, max, score, explanation, files) in ROWS {
        sheet.write(row, 0, *code)?;
        sheet.write(row, 1, *title)?;
        sheet.write(row, 2, *max)?;
        if let Some(score) = score {
            sheet.write(row, 3, *score)?;
        }
        sheet.write(row, 4, *explanation)?;
        sheet.write(row, 5, *files)?;
        row += 1;
    }
    sheet.write(row, 1, "TỔNG ĐIỂM")?;
    sheet.write(row, 3, 11.5)?;
    book.save("fixtures/demo/ubnd-xa-demo/tu-cham-diem.xlsx")
}
