//! Scenarios bundled with Levee, so `levee example` works from any directory.

/// A bundled example: its scenario file and the data files it references.
pub struct Example {
    /// Name, e.g. `japan-2025`.
    pub name: &'static str,
    /// One-line description.
    pub about: &'static str,
    /// Files as (path relative to the scenario's directory, content).
    pub files: &'static [(&'static str, &'static str)],
}

/// Every bundled example. The first file of each is the scenario.
pub const EXAMPLES: &[Example] = &[Example {
    name: "japan-2025",
    about: "Japan's 2025 strategy: rare-earth security, NEXI capacity, steady chip funding",
    files: &[
        (
            "japan-2025.toml",
            include_str!("../../../examples/japan-2025.toml"),
        ),
        (
            "japan-2025/nexi-book.csv",
            include_str!("../../../examples/japan-2025/nexi-book.csv"),
        ),
        (
            "japan-2025/us-program-pipeline.csv",
            include_str!("../../../examples/japan-2025/us-program-pipeline.csv"),
        ),
        (
            "japan-2025/nexi-country-correlation.csv",
            include_str!("../../../examples/japan-2025/nexi-country-correlation.csv"),
        ),
        (
            "reforms/dy-stockpile-365.toml",
            include_str!("../../../examples/reforms/dy-stockpile-365.toml"),
        ),
    ],
}];

/// Look an example up by name.
pub fn example(name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.name == name)
}
