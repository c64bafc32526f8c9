//! The language of a post: its front matter's `lang` when set, else what its text is written
//! in (detected by whatlang, trusted only when it says the guess is reliable), else the book's
//! or site's language. A Korean or English post in a Chinese archive so gets its own `lang`,
//! and with it the right fonts, hyphenation and indent in a book.
//!
//! This module does not read the site; callers pass the fallback.

/// Fewer characters than this say too little to tell a language by.
const MIN_CHARACTERS: usize = 40;

/// The primary language subtag (`zh`, `en`, `ko`, …) of `text`, when whatlang is sure of it.
pub fn detect(text: &str) -> Option<String> {
    if text.chars().filter(|c| c.is_alphabetic()).count() < MIN_CHARACTERS {
        return None;
    }
    let info = whatlang::detect(text)?;
    if !info.is_reliable() {
        return None;
    }
    // whatlang names two individual languages whose macrolanguage has the two-letter code BCP
    // 47 wants: Mandarin is `zh`, Iranian Persian `fa`.
    let code = match info.lang() {
        whatlang::Lang::Cmn => "zho",
        whatlang::Lang::Pes => "fas",
        other => other.code(),
    };
    let language = isolang::Language::from_639_3(code)?;
    Some(
        language
            .to_639_1()
            .map_or_else(|| code.to_owned(), str::to_owned),
    )
}

/// The language tag of a post: `declared` (its front matter's, already a tag) when set; else
/// the detected language of `text`, written as `fallback` when they share the primary subtag
/// (so a Chinese post in a `zh-CN` site stays `zh-CN`); else `fallback`.
pub fn of_post(declared: Option<String>, text: &str, fallback: &str) -> String {
    if let Some(declared) = declared {
        return declared;
    }
    match detect(text) {
        Some(detected) if primary(&detected) != primary(fallback) => detected,
        _ => fallback.to_owned(),
    }
}

fn primary(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_gets_the_language_it_is_written_in() {
        let korean = "서울 증시는 외국인 매수세에 힘입어 상승 마감했습니다. 코스피 지수는 전날보다 올랐고 거래량도 늘었습니다.";
        let english = "Asian markets closed mixed on Tuesday as investors weighed fresh economic data from the region.";
        let chinese = "沪深两市今日早盘小幅高开，随后震荡走低，午后跌幅有所收窄，成交量较前一交易日明显放大，北向资金净流入。";
        assert_eq!(of_post(None, korean, "zh-CN"), "ko");
        assert_eq!(of_post(None, english, "zh-CN"), "en");
        assert_eq!(
            of_post(None, chinese, "zh-CN"),
            "zh-CN",
            "same language: the site's tag"
        );
        assert_eq!(
            of_post(Some("ja".into()), english, "zh-CN"),
            "ja",
            "declared wins"
        );
        assert_eq!(of_post(None, "短讯", "zh-CN"), "zh-CN", "too short to tell");
    }
}
