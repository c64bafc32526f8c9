//! The book's cover: an SVG with the title (wrapped to fit), the volume, the dates the posts
//! span and how many there are, marked as the cover image so that library views show it.
//! Text stays text (CJK fonts are named, the reader's own are used), so the cover is small and
//! sharp at any size; nothing is rasterized here.

use crate::sanitize::xml::{push_escaped, Escape};

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 800.0;
const TITLE_SIZE: f64 = 46.0;
/// The title block is this wide at most.
const TITLE_WIDTH: f64 = 500.0;
const MAX_TITLE_LINES: usize = 5;
const FONTS: &str = "'Noto Serif CJK SC', 'Source Han Serif SC', 'Noto Serif CJK JP', 'Noto Serif CJK KR', 'Songti SC', Georgia, serif";

/// What the cover says.
pub(super) struct Cover<'a> {
    pub(super) title: &'a str,
    /// "Volume 2 of 3", when the book has volumes.
    pub(super) volume: Option<&'a str>,
    /// "2009-05-01 – 2024-03-10".
    pub(super) dates: Option<&'a str>,
    /// "共 73 篇" / "73 posts".
    pub(super) count: &'a str,
    pub(super) language: &'a str,
}

impl Cover<'_> {
    /// The SVG document.
    pub(super) fn svg(&self) -> String {
        let mut svg = String::new();
        svg.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" xml:lang=\"",
        ));
        push_escaped(&mut svg, self.language, Escape::Text);
        svg.push_str("\">\n");
        svg.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#1f3a5f\"/>\n");
        svg.push_str(
            "<rect x=\"40\" y=\"40\" width=\"520\" height=\"720\" fill=\"none\" stroke=\"#c9a227\" stroke-width=\"3\"/>\n",
        );
        let lines = title_lines(self.title);
        let line_height = TITLE_SIZE * 1.3;
        let mut y = 300.0 - line_height * (lines.len() as f64 - 1.0) / 2.0;
        for line in &lines {
            svg.push_str(&text_element(y, TITLE_SIZE, "bold", "#ffffff", line));
            y += line_height;
        }
        let mut y = 560.0;
        for (line, size) in [
            (self.volume, 26.0),
            (self.dates, 24.0),
            (Some(self.count), 24.0),
        ] {
            if let Some(line) = line {
                svg.push_str(&text_element(y, size, "normal", "#e8e2cf", line));
                y += size * 1.8;
            }
        }
        svg.push_str("</svg>\n");
        svg
    }
}

fn text_element(y: f64, size: f64, weight: &str, fill: &str, text: &str) -> String {
    let mut element = format!(
        "<text x=\"{}\" y=\"{y:.0}\" text-anchor=\"middle\" font-family=\"{FONTS}\" font-size=\"{size}\" font-weight=\"{weight}\" fill=\"{fill}\">",
        WIDTH / 2.0
    );
    push_escaped(&mut element, text, Escape::Text);
    element.push_str("</text>\n");
    element
}

/// The width of `c` in ems, roughly: wide (CJK, full-width) characters are one em, others
/// about half.
fn width(c: char) -> f64 {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide {
        1.0
    } else {
        0.55
    }
}

/// The title cut into lines that fit the cover: between words for Latin text, between any two
/// characters for CJK; an ellipsis when it does not fit in five lines.
fn title_lines(title: &str) -> Vec<String> {
    let limit = TITLE_WIDTH / TITLE_SIZE;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    // Units that must stay together: a run of non-wide, non-space characters (a word), or
    // one wide character, or one space.
    let mut units: Vec<String> = Vec::new();
    for c in title.chars() {
        let joins = width(c) < 1.0
            && !c.is_whitespace()
            && units
                .last()
                .and_then(|unit| unit.chars().last())
                .is_some_and(|last| width(last) < 1.0 && !last.is_whitespace());
        match units.last_mut() {
            Some(unit) if joins => unit.push(c),
            _ => units.push(c.to_string()),
        }
    }
    for unit in units {
        let unit_width: f64 = unit.chars().map(width).sum();
        if line_width + unit_width > limit && !line.trim().is_empty() {
            lines.push(line.trim().to_owned());
            line = String::new();
            line_width = 0.0;
        }
        if line.is_empty() && unit.trim().is_empty() {
            continue;
        }
        line.push_str(&unit);
        line_width += unit_width;
    }
    if !line.trim().is_empty() {
        lines.push(line.trim().to_owned());
    }
    if lines.len() > MAX_TITLE_LINES {
        lines.truncate(MAX_TITLE_LINES);
        if let Some(last) = lines.last_mut() {
            last.pop();
            last.push('…');
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_wrap_to_fit() {
        assert_eq!(title_lines("快讯"), ["快讯"]);
        let chinese = title_lines("金融消息与市场行情每日快讯合集第二卷");
        assert!(chinese.len() == 2, "{chinese:?}");
        assert!(chinese.iter().all(|line| line.chars().count() <= 10));
        let english = title_lines("Minimal Mistakes theme documentation and posts");
        assert!(english.len() >= 2, "{english:?}");
        assert!(english
            .iter()
            .all(|line| !line.starts_with(' ') && !line.ends_with(' ')));
        assert_eq!(
            english.concat().replace(' ', ""),
            "MinimalMistakesthemedocumentationandposts"
        );
        assert_eq!(title_lines(&"长".repeat(80)).len(), MAX_TITLE_LINES);
    }

    #[test]
    fn the_cover_is_well_formed_and_says_it_all() {
        let svg = Cover {
            title: "金融 & 市场 <快讯>",
            volume: Some("第2卷，共3卷"),
            dates: Some("2022-03-29 – 2022-05-26"),
            count: "共 67 篇",
            language: "zh-CN",
        }
        .svg();
        let document = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let texts: Vec<&str> = document
            .descendants()
            .filter(|node| node.has_tag_name("text"))
            .filter_map(|node| node.text())
            .collect();
        assert_eq!(
            texts,
            [
                "金融 & 市场 <快讯>",
                "第2卷，共3卷",
                "2022-03-29 – 2022-05-26",
                "共 67 篇"
            ]
        );
    }
}
