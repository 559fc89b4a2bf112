//! The files an upload brings: LinkedIn's "Get a copy of your data" ZIP, or its CSV files
//! one by one. Only the files an import reads are kept (as text); everything else in the
//! archive, messages and connections included, is passed over unread. Archives are read
//! within limits, so a ZIP bomb or a name that climbs out of the archive gets a clear answer.

use std::collections::BTreeMap;
use std::io::Read;

use super::{Skip, Upload};
use crate::{Error, Result};

/// The CSV files a LinkedIn import reads.
pub const LINKEDIN_FILES: [&str; 8] = [
    "Profile.csv",
    "Positions.csv",
    "Education.csv",
    "Skills.csv",
    "Projects.csv",
    "Certifications.csv",
    "Languages.csv",
    "Honors.csv",
];
/// Entries an archive may hold.
const MAX_ENTRIES: usize = 2_000;
/// What all the files read from an archive may add up to, uncompressed.
const MAX_TOTAL: u64 = 50 * 1024 * 1024;
/// One file read from an archive.
const MAX_FILE: u64 = 20 * 1024 * 1024;

fn file_error(message: impl Into<String>) -> Error {
    Error::invalid("file", "unreadable_archive", message)
}

/// The name LinkedIn gives a file we read, matched case-insensitively on the base name.
fn known_name(path: &str) -> Option<&'static str> {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    LINKEDIN_FILES.into_iter().find(|known| known.eq_ignore_ascii_case(base))
}

/// Text from bytes: a byte-order mark dropped; bytes that are not UTF-8 replaced and said.
pub fn text_of(name: &str, bytes: &[u8], skipped: &mut Vec<Skip>) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => {
            skipped.push(Skip::new(name, "some bytes are not UTF-8 text; they were replaced"));
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    // Text files hold no NUL characters (and Postgres stores none): this one is binary.
    if text.contains('\0') {
        skipped.push(Skip::new(name, "holds binary data, not text"));
        return text.replace('\0', "");
    }
    text
}

/// The LinkedIn files among the uploads (ZIP archives or CSV files), by their LinkedIn name.
pub fn linkedin_files(uploads: Vec<Upload>, skipped: &mut Vec<Skip>) -> Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    for upload in uploads {
        if upload.bytes.starts_with(b"PK\x03\x04") || upload.bytes.starts_with(b"PK\x05\x06") {
            read_zip(&upload, &mut files, skipped)?;
        } else if upload.name.to_ascii_lowercase().ends_with(".zip") {
            return Err(file_error(format!("{} is not a ZIP archive", upload.name)));
        } else if let Some(known) = known_name(&upload.name) {
            let text = text_of(known, &upload.bytes, skipped);
            files.insert(known.to_owned(), text);
        } else {
            skipped.push(Skip::new(&upload.name, "not a file of LinkedIn's export that we read"));
        }
    }
    if files.is_empty() {
        return Err(file_error(
            "no LinkedIn export files found: upload the ZIP from \"Get a copy of your data\", or its Profile.csv, \
             Positions.csv, Education.csv or Skills.csv",
        ));
    }
    Ok(files)
}

fn read_zip(upload: &Upload, files: &mut BTreeMap<String, String>, skipped: &mut Vec<Skip>) -> Result<()> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&upload.bytes))
        .map_err(|error| file_error(format!("{} is not a readable ZIP archive: {error}", upload.name)))?;
    if archive.len() > MAX_ENTRIES {
        return Err(file_error(format!("{} holds more than {MAX_ENTRIES} files", upload.name)));
    }
    let mut total = 0u64;
    for index in 0..archive.len() {
        let mut entry =
            archive.by_index(index).map_err(|error| file_error(format!("{} is damaged: {error}", upload.name)))?;
        let name = entry.name().map(|name| name.to_string()).unwrap_or_else(|_| format!("entry {index}"));
        if entry.is_dir() {
            continue;
        }
        // A name that would climb out of a folder is refused, whatever it is called.
        if entry.enclosed_name().is_none() {
            skipped.push(Skip::new(&name, "an unsafe file name (outside the archive); not read"));
            continue;
        }
        let Some(known) = known_name(&name) else { continue };
        let mut bytes = Vec::new();
        let read = (&mut entry)
            .take(MAX_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(|error| file_error(format!("{name} in {} cannot be read: {error}", upload.name)))?;
        if read as u64 > MAX_FILE {
            return Err(file_error(format!("{name} is larger than {} MB uncompressed", MAX_FILE / 1024 / 1024)));
        }
        total += read as u64;
        if total > MAX_TOTAL {
            return Err(file_error(format!(
                "{} expands to more than {} MB: not a LinkedIn export",
                upload.name,
                MAX_TOTAL / 1024 / 1024
            )));
        }
        let text = text_of(known, &bytes, skipped);
        files.insert(known.to_owned(), text);
    }
    Ok(())
}
