//! Images found in the archive, embedded in the book each once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::MAX_IMAGE_BYTES;

pub(super) enum ImageSource {
    /// The file name inside the book.
    Embedded(String),
    /// An absolute URL to link to.
    Linked(String),
    Missing,
}

/// The images of a volume, each once, in the order first used.
#[derive(Default)]
pub(super) struct Resources {
    pub(super) images: Vec<Image>,
    /// Canonical path → index into `images`; content hash → index.
    pub(super) by_path: HashMap<PathBuf, Option<usize>>,
    pub(super) by_hash: HashMap<String, usize>,
}

pub(super) struct Image {
    pub(super) file: String,
    pub(super) media_type: &'static str,
    pub(super) bytes: Vec<u8>,
}

impl Resources {
    /// The book file for the image at `candidate`, when it is a PNG, JPEG or GIF file inside
    /// `root`.
    pub(super) fn embed(&mut self, root: &Path, candidate: &Path) -> Option<String> {
        let path = candidate.canonicalize().ok()?;
        if let Some(known) = self.by_path.get(&path) {
            return known.map(|index| self.images[index].file.clone());
        }
        let root = root.canonicalize().ok()?;
        let found = path.starts_with(&root).then(|| read_image(&path)).flatten();
        let index = found.map(|(bytes, media_type, extension)| {
            let hash = crate::export::sha256_hex(&bytes);
            *self.by_hash.entry(hash.clone()).or_insert_with(|| {
                self.images.push(Image {
                    file: format!("images/{}.{extension}", &hash[..16]),
                    media_type,
                    bytes,
                });
                self.images.len() - 1
            })
        });
        self.by_path.insert(path, index);
        index.map(|index| self.images[index].file.clone())
    }
}

/// The bytes of an image file, its media type and extension, when it is a PNG, JPEG or GIF
/// (known by its first bytes, not its name: EPUBCheck compares them with the media type).
pub(super) fn read_image(path: &Path) -> Option<(Vec<u8>, &'static str, &'static str)> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() || metadata.len() > MAX_IMAGE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let (media_type, extension) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ("image/png", "png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        ("image/jpeg", "jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        ("image/gif", "gif")
    } else {
        return None;
    };
    Some((bytes, media_type, extension))
}
