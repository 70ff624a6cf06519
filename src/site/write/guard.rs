//! What keeps interrupted and concurrent builds safe: the swap that never leaves a moment
//! without the output folder, the marker of staging folders and the removal of those left by
//! builds that are gone, the lock that serialises two builds into one folder, the build id
//! that site and reports share, and the clean-up on Ctrl-C or SIGTERM.
//!
//! A staging folder is `.<name>.new-<pid>` (or `.<name>.old-<pid>` for the old site while
//! the two-rename swap runs) beside the output folder, and holds [`STAGING_MARKER`] with
//! the pid and when it started. A later build removes such a folder only if its name has
//! that form, it holds our staging marker or our site marker, and its process is gone.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::{MARKER_FILE, WriteError, folder_name, io_error};

/// The file that marks a staging folder as postmortem's: `pid <pid>` and `started <ns>`.
pub const STAGING_MARKER: &str = ".postmortem-staging";

/// The file in the reports folder that holds the build id of the reports in it.
pub const REPORTS_BUILD_FILE: &str = ".postmortem-build";

/// Staging folders of this process that an interrupt must remove. Held while a swap runs,
/// so an interrupt waits for the swap to end instead of removing half of it.
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Set once [`remove_own_staging`] ran: no staging folder may be made after it.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn active() -> MutexGuard<'static, Vec<PathBuf>> {
    ACTIVE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Creates the staging folder `path`, marked as this process's, and remembers it for
/// [`remove_own_staging`].
pub(super) fn create_staging(path: &Path) -> io::Result<()> {
    let mut active = active();
    // Ctrl-C already cleaned up and the process is exiting: no new folder to leave behind.
    if INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
    }
    fs::create_dir(path)?;
    active.push(path.to_path_buf());
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let marker = format!("pid {}\nstarted {started}\n", std::process::id());
    fs::write(path.join(STAGING_MARKER), marker)
}

/// Forgets the staging folder `path` (it was removed, or became the output).
pub(super) fn forget_staging(path: &Path) {
    active().retain(|p| p != path);
}

/// Removes every staging folder of this process: what Ctrl-C and SIGTERM call before
/// the process exits. A swap under way finishes first.
pub fn remove_own_staging() {
    let mut active = active();
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
    for path in active.drain(..) {
        // Render threads may still be adding files. Renamed first (to a name a later build
        // also cleans up), the folder is out of their way: they cannot make it again (the
        // staging sink never creates its own folder), so removing it is not a race.
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().replacen(".new-", ".old-", 1));
        let doomed = name.map(|name| path.with_file_name(name));
        let path = match doomed {
            Some(doomed) if doomed != path && fs::rename(&path, &doomed).is_ok() => doomed,
            _ => path,
        };
        for _ in 0..10 {
            if fs::remove_dir_all(&path).is_ok() || !path.exists() {
                break;
            }
        }
    }
}

/// Whether Ctrl-C or SIGTERM removed this process's staging folders, once that removal is
/// done. A build that failed because its folder went away meanwhile was interrupted, not
/// broken, and exits as interrupted builds do.
pub fn interrupted() -> bool {
    let _removal = active();
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Puts `staging` in place of `out`. On Linux both are exchanged in one step
/// (`renameat2(RENAME_EXCHANGE)`), so `out` exists at every instant; elsewhere, or where the
/// file system cannot exchange, `out` is renamed aside first. The old site, wherever it
/// ended, is removed.
pub(super) fn swap_in(staging: &Path, out: &Path) -> Result<(), WriteError> {
    let mut active = active();
    if !out.exists() {
        fs::rename(staging, out).map_err(io_error(out))?;
        active.retain(|p| p != staging);
        return Ok(());
    }
    let old = match exchange(staging, out) {
        // The staging path now holds the old site; it stays registered until removed.
        Ok(()) => staging.to_path_buf(),
        Err(_) => {
            let parent = out.parent().unwrap_or(Path::new("/"));
            let old = parent.join(format!(".{}.old-{}", folder_name(out), std::process::id()));
            fs::rename(out, &old).map_err(io_error(out))?;
            active.push(old.clone());
            if let Err(e) = fs::rename(staging, out) {
                // Put the previous site back; the build failed but nothing is lost.
                let _ = fs::rename(&old, out);
                active.retain(|p| *p != old);
                return Err(io_error(out)(e));
            }
            active.retain(|p| p != staging);
            old
        }
    };
    // Interrupted from here on, the old site is removed by the handler or the next build.
    drop(active);
    let removed = fs::remove_dir_all(&old).map_err(io_error(&old));
    forget_staging(&old);
    removed
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Removes the staging folders that earlier builds into `out` left beside it (killed, or
/// the machine went down): only folders named `.<name>.new-<pid>` or `.<name>.old-<pid>`
/// that hold our staging or site marker, whose process is gone. Returns how many.
pub fn remove_leftovers(out: &Path) -> usize {
    let parent = out.parent().unwrap_or(Path::new("/"));
    let name = folder_name(out);
    let Ok(entries) = fs::read_dir(parent) else {
        return 0;
    };
    let own = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = leftover_pid(&file_name.to_string_lossy(), &name) else {
            continue;
        };
        let path = entry.path();
        let ours = path.join(STAGING_MARKER).is_file() || path.join(MARKER_FILE).is_file();
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if pid != own && is_dir && ours && !process_alive(pid) && fs::remove_dir_all(&path).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// The pid in `.<name>.new-<pid>` or `.<name>.old-<pid>`.
fn leftover_pid(file_name: &str, name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?.strip_prefix(name)?;
    let pid = rest
        .strip_prefix(".new-")
        .or_else(|| rest.strip_prefix(".old-"))?;
    pid.parse().ok()
}

/// Whether process `pid` runs. Where that cannot be asked, it is taken to run: a folder is
/// kept rather than removed from under a build.
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return true;
        };
        match rustix::process::test_kill_process(pid) {
            Ok(()) => true,
            Err(e) => e != rustix::io::Errno::SRCH,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// The lock that lets one build at a time write into an output folder; released when
/// dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct OutputLock {
    _file: fs::File,
}

/// Takes the lock of `out` (the file `.<name>.lock` beside it), waiting while another build
/// holds it; `on_wait` hears who that is first.
pub fn lock_output(out: &Path, on_wait: &dyn Fn(&str)) -> Result<OutputLock, WriteError> {
    let parent = out.parent().unwrap_or(Path::new("/"));
    fs::create_dir_all(parent).map_err(io_error(parent))?;
    let path = parent.join(format!(".{}.lock", folder_name(out)));
    let mut file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io_error(&path))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            on_wait(&format!(
                "waiting for another build into {} to finish ({}; lock file {})",
                out.display(),
                if holder.is_empty() { "held" } else { holder },
                path.display()
            ));
            file.lock().map_err(io_error(&path))?;
        }
        Err(fs::TryLockError::Error(e)) => return Err(io_error(&path)(e)),
    }
    // Who holds it, for the next build that has to wait.
    let _ = file.set_len(0);
    let _ = writeln!(&file, "pid {}", std::process::id());
    Ok(OutputLock { _file: file })
}

/// The build id in the site marker of `site`, if it has one.
pub fn site_build_id(site: &Path) -> Option<String> {
    let text = fs::read_to_string(site.join(MARKER_FILE)).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("build "))
        .map(str::to_owned)
}

/// The build id of the reports in `reports`, if they have one.
pub fn reports_build_id(reports: &Path) -> Option<String> {
    let text = fs::read_to_string(reports.join(REPORTS_BUILD_FILE)).ok()?;
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Records `build` as the build id of the site in `site` (the marker is replaced by a
/// rename, so it is whole at every instant), if it is not that already.
pub fn set_site_build_id(site: &Path, build: &str) -> Result<(), WriteError> {
    if site_build_id(site).as_deref() == Some(build) {
        return Ok(());
    }
    let marker = site.join(MARKER_FILE);
    let new = site.join(format!("{MARKER_FILE}.new-{}", std::process::id()));
    fs::write(&new, site_marker(build)).map_err(io_error(&new))?;
    fs::rename(&new, &marker).map_err(io_error(&marker))
}

/// Records `build` as the build id of the reports in `reports`, if it is not that already.
pub fn set_reports_build_id(reports: &Path, build: &str) -> Result<(), WriteError> {
    if reports_build_id(reports).as_deref() == Some(build) {
        return Ok(());
    }
    let id = reports.join(REPORTS_BUILD_FILE);
    fs::write(&id, format!("{build}\n")).map_err(io_error(&id))
}

/// The site marker's text for a build.
pub(super) fn site_marker(build: &str) -> String {
    format!("This folder is generated by postmortem and replaced on every build.\nbuild {build}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_names_are_leftovers() {
        assert_eq!(leftover_pid(".site.new-123", "site"), Some(123));
        assert_eq!(leftover_pid(".site.old-9", "site"), Some(9));
        assert_eq!(leftover_pid(".site.new-x", "site"), None);
        assert_eq!(leftover_pid(".public.new-1", "site"), None);
        assert_eq!(leftover_pid("site.new-1", "site"), None);
    }

    #[test]
    fn leftovers_of_gone_processes_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        // A pid no process has: above the kernel's maximum.
        let gone = 4_194_305;
        for (name, marker) in [
            (format!(".site.new-{gone}"), Some(STAGING_MARKER)),
            (format!(".site.old-{gone}"), Some(MARKER_FILE)),
            (format!(".site.new-{}", gone + 1), None),
            (
                format!(".site.new-{}", std::process::id()),
                Some(STAGING_MARKER),
            ),
            (".site.new-1".to_owned(), Some(STAGING_MARKER)),
        ] {
            fs::create_dir(dir.path().join(&name)).unwrap();
            if let Some(marker) = marker {
                fs::write(dir.path().join(&name).join(marker), "").unwrap();
            }
        }
        assert_eq!(remove_leftovers(&out), 2);
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        // Unmarked: a user's. Our own pid: a build of this process. Pid 1: alive.
        let mut expected = vec![
            format!(".site.new-{}", gone + 1),
            format!(".site.new-{}", std::process::id()),
            ".site.new-1".to_owned(),
        ];
        expected.sort();
        assert_eq!(left, expected);
    }

    #[test]
    fn a_swap_leaves_the_new_site_and_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("old.html"), "old").unwrap();
        let staging = dir.path().join(".site.new-1");
        create_staging(&staging).unwrap();
        fs::write(staging.join("new.html"), "new").unwrap();
        swap_in(&staging, &out).unwrap();
        assert!(out.join("new.html").is_file() && !out.join("old.html").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(!active().contains(&staging));
    }
}
