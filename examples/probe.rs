use newsbundle::{
    config::Config,
    export::{self, ExportContext, ExportOptions, Exporter, Layout},
    lint,
};
use std::path::PathBuf;
fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap());
    let layout = match args.next().unwrap().as_str() {
        "hugo" => Layout::Hugo,
        "zola" => Layout::Zola,
        _ => Layout::Jekyll,
    };
    let paths: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let e = export::prepare(&paths, &Config::default(), &lint::Options::default());
    let options = ExportOptions {
        layout,
        ..ExportOptions::default()
    };
    let files = export::markdown::MarkdownExporter
        .export(&ExportContext {
            export: &e,
            options: &options,
            destination: &out,
        })
        .unwrap();
    eprintln!("{} files", files.len());
}
