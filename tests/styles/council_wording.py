"""A layout style for ../shared/tools/gen_corpus.py (`--style council --style-path THIS_FILE`) that
writes the same documents and defects in the other wordings real units use, so that the conformance
suite measures tolerance rather than one generator's phrasing:

- places: the top-level Roman division called Mục or Phần (either, whatever the document prints),
  lower-case words, `Mục II.3` for Khoản 3 of Mục II, places joined by commas, spaces or "của";
- references: the type's abbreviation (`BC số 55/BC-UBND`), no `số` (`Kế hoạch 14/KH-UBND`), dates
  as `ngày 5 tháng 3 năm 2023`, `ngày 5/3/2023`, `ngày 05-03-2023`, the issuer before the date;
- documents: some print their top level as `PHẦN I.` or `I -` instead of `I.`;
- the workbook: headers `TT`, `Nội dung tiêu chí`, `Điểm TĐG`, `Nội dung giải trình`, `Tài liệu KC`,
  fractional scores typed as text with a decimal comma.

Labels are unchanged: the generator still decides every defect; only the words differ.
"""
import zlib

from kcgen import vocab
from kcgen.style import DefaultStyle

PLACE_WORD = {"khoan": "Khoản", "diem": "Điểm", "sub": "Mục"}


class CouncilWording(DefaultStyle):
    sheet_headers = ["TT", "Nội dung tiêu chí", "Điểm tối đa", "Điểm TĐG", "Nội dung giải trình", "Tài liệu KC"]

    def cite(self, rng, path, ref, first=True):
        top = rng.choice(["Mục", "Phần"])
        lower = rng.random() < 0.3
        words = []
        for kind, label in reversed(path):
            word = top if kind == "muc" else PLACE_WORD[kind]
            words.append(f"{word.lower() if lower else word} {label}")
        kinds = [k for k, _ in path]
        if kinds == ["muc", "khoan"] and rng.random() < 0.4:
            loc = f"{top} {path[0][1]}.{path[1][1]}"
        else:
            loc = rng.choice([", ", " ", " của "]).join(words)
        if first:
            tpl = rng.choice(["Kết quả thể hiện tại {loc} {ref}.", "Số liệu nêu tại {loc} của {ref}.",
                              "Minh chứng tại {loc}, {ref}.", "Chi tiết xem {loc} {ref}."])
        else:
            tpl = rng.choice(["Ngoài ra, tại {loc} của {ref}.", "Xem thêm {loc}, {ref}."])
        return tpl.format(loc=loc, ref=ref)

    def format_ref(self, rng, kind, num, dparts, issuer, with_date=True, with_issuer=None):
        word = vocab.KIND_WORD[kind]
        pick = rng.random()
        if not num:
            head = word
        elif pick < 0.25:
            head = f"{kind} số {num}"
        elif pick < 0.5:
            head = f"{word} {num}"
        else:
            head = f"{word} số {num}"
        if with_issuer is None:
            with_issuer = rng.random() < 0.6
        date = ""
        if with_date and dparts:
            d, m, y = dparts
            d_, m_ = (str(int(d)), str(int(m))) if d.isdigit() and m.isdigit() else (d, m)
            date = rng.choice([f"ngày {d_} tháng {m_} năm {y}", f"ngày {d_}/{m_}/{y}", f"ngày {d}-{m}-{y}",
                               f"ngày {d}/{m}/{y}"])
        if with_issuer and issuer and date and rng.random() < 0.5:
            return f"{head} của {issuer} {date}"
        text = f"{head} {date}" if date else head
        return f"{text} của {issuer}" if with_issuer and issuer else text

    def node_flowables(self, node, S):
        if node.kind != "muc":
            return super().node_flowables(node, S)
        shape = zlib.crc32(node.heading.encode("utf-8")) % 3
        heading = {0: f"PHẦN {node.label}. {node.heading}", 1: f"{node.label} - {node.heading}"}.get(
            shape, f"{node.label}. {node.heading}")
        out = [self.P(heading, S["muc"])]
        for p in node.paras:
            out.append(self.P(p, S["bullet" if p.startswith("- ") else "body"]))
        for child in node.children:
            out += self.node_flowables(child, S)
        return out

    def score_value(self, v):
        if v is None or float(v).is_integer():
            return v
        return f"{v}".replace(".", ",")


def make_style():
    return CouncilWording()
