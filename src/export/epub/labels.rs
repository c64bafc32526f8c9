//! The words a book uses around the posts (title page, contents, undated, …), in Chinese or
//! English.

/// The words a book uses around the posts, in its language.
pub(super) struct Labels {
    pub(super) contents: &'static str,
    pub(super) title_page: &'static str,
    pub(super) undated: &'static str,
    pub(super) uncategorized: &'static str,
    pub(super) untitled: &'static str,
    pub(super) source: &'static str,
    pub(super) image: &'static str,
    pub(super) separator: &'static str,
    pub(super) volume: fn(&str, usize, usize) -> String,
    pub(super) year: fn(i32) -> String,
    pub(super) month: fn(i32, u32) -> String,
    pub(super) posts: fn(usize) -> String,
}

static CHINESE: Labels = Labels {
    contents: "目录",
    title_page: "书名页",
    undated: "无日期",
    uncategorized: "未分类",
    untitled: "无题",
    source: "原文链接：",
    image: "图片",
    separator: " · ",
    volume: |title, volume, volumes| format!("{title}（第{volume}卷，共{volumes}卷）"),
    year: |year| format!("{year}年"),
    month: |year, month| format!("{year}年{month}月"),
    posts: |count| format!("共 {count} 篇"),
};

static ENGLISH: Labels = Labels {
    contents: "Contents",
    title_page: "Title page",
    undated: "Undated",
    uncategorized: "Uncategorized",
    untitled: "Untitled",
    source: "Source: ",
    image: "image",
    separator: " · ",
    volume: |title, volume, volumes| format!("{title} (volume {volume} of {volumes})"),
    year: |year| year.to_string(),
    month: |year, month| {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let name = MONTHS
            .get(month.saturating_sub(1) as usize)
            .copied()
            .unwrap_or("?");
        format!("{name} {year}")
    },
    posts: |count| {
        if count == 1 {
            "1 post".to_owned()
        } else {
            format!("{count} posts")
        }
    },
};

pub(super) fn labels_for(language: &str) -> &'static Labels {
    let primary = language.split('-').next().unwrap_or_default();
    if primary.eq_ignore_ascii_case("zh") {
        &CHINESE
    } else {
        &ENGLISH
    }
}
