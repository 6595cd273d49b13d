//! Cutting one model's section out of a scenario's text.

/// The text of the top-level table `name` of a scenario — its header line, its
/// sub-tables (`[name.x]`, `[[name.y]]`) and everything up to the next
/// top-level table — so tools and tests can work on one model of a full
/// scenario file.
///
/// ```
/// let text = "[run]\npaths = 1\n[minerals]\na = 1\n[[minerals.m]]\nb = 2\n[funding]\nc = 3\n";
/// assert_eq!(levee_scenario::section_text(text, "minerals"), "[minerals]\na = 1\n[[minerals.m]]\nb = 2\n");
/// ```
pub fn section_text(text: &str, name: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('[') {
            let head = t.trim_start_matches('[').trim_start();
            let key = head
                .split([']', '.'])
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            inside = key == name;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
