//! Cells for CSV files that people open in spreadsheets: every cell of every CSV the service
//! writes goes through [`row`], so no field (a name, a country's name, a comment, …) is ever
//! run as a formula.

/// A cell that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return: OWASP's list) gets a leading apostrophe; any other cell is unchanged.
pub fn cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    }
}

/// A CSV record with every cell defused by [`cell`]: the one way the service writes a CSV row.
pub fn row<I, S>(cells: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    cells.into_iter().map(|c| cell(c.as_ref())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Access Now"), "Access Now");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn every_cell_of_a_row_is_defused() {
        assert_eq!(
            row(["Access Now", "=1+1", "-2", "FR"]),
            ["Access Now", "'=1+1", "'-2", "FR"]
        );
    }
}
