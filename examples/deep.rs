fn main() {
    let which = std::env::args().nth(1).unwrap();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let depth = 10_000;
            let xhtml = if which == "q" {
                format!(
                    "{}text{}",
                    "<blockquote>".repeat(depth),
                    "</blockquote>".repeat(depth)
                )
            } else if which == "r" {
                let x = format!(
                    "<p>{}text{}</p>",
                    "<em>".repeat(depth),
                    "</em>".repeat(depth)
                );
                let d = roxmltree::Document::parse(&x).unwrap();
                println!("{}", d.descendants().count());
                return;
            } else {
                format!(
                    "<p>{}text{}</p>",
                    "<em>".repeat(depth),
                    "</em>".repeat(depth)
                )
            };
            let out = newsbundle::export::markdown::xhtml_to_markdown(&xhtml);
            println!("{}", out.len());
        })
        .unwrap()
        .join()
        .unwrap();
}
