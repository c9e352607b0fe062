//! `write_output`, the one writer of `-o FILE`: a regular file is replaced atomically, a
//! symlink keeps pointing at its target, a device or FIFO is written in place.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use devquery_engine::outfile::{write_bytes, write_output};

fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_regular_file_is_replaced_atomically() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("out.json");
    write_bytes(&path, b"new file").expect("create");
    assert_eq!(fs::read(&path).expect("read"), b"new file");

    // A reader that had the old file open keeps reading the old file: it was replaced by a
    // rename, not rewritten in place.
    let mut before = fs::File::open(&path).expect("open");
    write_bytes(&path, b"second version").expect("replace");
    let mut old = String::new();
    before.read_to_string(&mut old).expect("read old");
    assert_eq!(old, "new file");
    assert_eq!(fs::read(&path).expect("read"), b"second version");
    assert!(leftovers(tmp.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn a_replaced_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("private.txt");
    fs::write(&path, "old").expect("write");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
    write_bytes(&path, b"new").expect("replace");
    let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_failed_write_leaves_the_file_as_it_was() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("report.md");
    fs::write(&path, "previous report").expect("write");
    let result = write_output(&path, |out| -> std::io::Result<()> {
        out.write_all(b"half a rep")?;
        Err(std::io::Error::other("the report failed"))
    });
    assert!(result.is_err());
    assert_eq!(fs::read_to_string(&path).expect("read"), "previous report");
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn a_directory_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let err = write_bytes(tmp.path(), b"x").expect_err("a directory");
    assert!(err.to_string().contains("is a directory"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_symlink_stays_a_symlink_and_its_target_gets_the_content() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let target = tmp.path().join("real.csv");
    fs::write(&target, "old").expect("write");
    let link = tmp.path().join("latest.csv");
    std::os::unix::fs::symlink("real.csv", &link).expect("symlink");
    write_bytes(&link, b"a,b\n1,2\n").expect("write through the link");
    assert!(
        fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).expect("link"), Path::new("real.csv"));
    assert_eq!(fs::read(&target).expect("read"), b"a,b\n1,2\n");

    // A dangling link: its target is created.
    let dangling = tmp.path().join("next.csv");
    std::os::unix::fs::symlink("created.csv", &dangling).expect("symlink");
    write_bytes(&dangling, b"x").expect("write through the link");
    assert!(
        fs::symlink_metadata(&dangling)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read(tmp.path().join("created.csv")).expect("read"),
        b"x"
    );
}

#[cfg(unix)]
#[test]
fn dev_null_stays_a_character_device() {
    use std::os::unix::fs::FileTypeExt;
    let null = Path::new("/dev/null");
    if !null.exists() {
        return;
    }
    write_bytes(null, b"discarded").expect("write to /dev/null");
    let ft = fs::metadata(null).expect("meta").file_type();
    assert!(ft.is_char_device(), "/dev/null is still a device");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let fifo = tmp.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo on this system
    }
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        fs::File::open(&reader_path)
            .expect("open the fifo")
            .read_to_string(&mut text)
            .expect("read the fifo");
        text
    });
    write_bytes(&fifo, b"through the pipe").expect("write to the fifo");
    // Checked before joining: a FIFO replaced by a file would leave the reader waiting.
    let ft = fs::symlink_metadata(&fifo).expect("meta").file_type();
    assert!(ft.is_fifo(), "the fifo is still a fifo");
    assert_eq!(reader.join().expect("reader"), "through the pipe");
    assert!(leftovers(tmp.path()).is_empty());
}
