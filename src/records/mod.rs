//! Students' records and the rules they are checked against: programmes
//! (facts and rules), records, their evaluation and the record template.

pub mod check;
pub mod evaluate;
pub mod portfolio;
pub mod programme;
pub mod rule;
pub mod scaffold;
pub mod vocabulary;
