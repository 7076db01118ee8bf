//! Students' records and the rules they are checked against: programmes
//! (facts and rules), records, their evaluation, the record template and
//! the record schema of each programme.

pub mod check;
pub mod evaluate;
pub mod portfolio;
pub mod programme;
pub mod rule;
pub mod scaffold;
pub mod schema;
pub mod vocabulary;
