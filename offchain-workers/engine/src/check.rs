//! Checks of the inputs a run takes, against each other and the spec's limits. The engines
//! (`cpu`, `gpu`) and `attribute` all call these; they depend on nothing but the inputs.

use crate::{
	stream::{InMemory, ItemSource},
	Embeddings, Error, Inputs, Result,
};
use openledger_primitives::attribution::{check_shape, Method};

/// At most this many queries per run, so that summed values cannot overflow an `i64`
/// (a similarity value is below 2^47).
pub const MAX_QUERIES: usize = 1 << 16;

/// Checks a source of items and the queries against each other and the spec's limits: the
/// method, the dimension, `N`, the number of queries, and for KNN-Shapley a labelled source and
/// one label per query. Returns the query labels the method needs (empty for similarity).
pub fn check_queries<'a>(
	method: Method,
	source: &dyn ItemSource,
	queries: &Embeddings,
	query_labels: Option<&'a [u32]>,
) -> Result<&'a [u32]> {
	check_shape(source.dimension(), source.len() as u64, method.k())
		.and_then(|()| method.validate())
		.map_err(|e| Error::Shape(format!("{e:?}")))?;
	if queries.dimension() != source.dimension() {
		return Err(Error::Shape(format!(
			"queries have dimension {}, items {}",
			queries.dimension(),
			source.dimension()
		)));
	}
	if queries.is_empty() || queries.len() > MAX_QUERIES {
		return Err(Error::Shape(format!(
			"{} queries; between 1 and {MAX_QUERIES} per run",
			queries.len()
		)));
	}
	if !method.needs_labels() {
		return Ok(&[]);
	}
	let (true, Some(query_labels)) = (source.labelled(), query_labels) else {
		return Err(Error::Shape("KNN-Shapley needs item labels and query labels".into()));
	};
	if query_labels.len() != queries.len() {
		return Err(Error::Shape(format!(
			"{} query labels for {} queries",
			query_labels.len(),
			queries.len()
		)));
	}
	Ok(query_labels)
}

/// Checks that the inputs fit together and the spec's limits; returns the labels the method
/// needs (empty slices for similarity).
pub fn check_inputs<'a>(method: Method, inputs: Inputs<'a>) -> Result<(&'a [u32], &'a [u32])> {
	let Inputs { items, labels, queries, query_labels } = inputs;
	check_queries(method, &InMemory::new(items, labels), queries, query_labels)?;
	if !method.needs_labels() {
		return Ok((&[], &[]));
	}
	let (Some(labels), Some(query_labels)) = (labels, query_labels) else {
		return Err(Error::Shape("KNN-Shapley needs item labels and query labels".into()));
	};
	if labels.len() != items.len() || query_labels.len() != queries.len() {
		return Err(Error::Shape(format!(
			"{} labels for {} items, {} query labels for {} queries",
			labels.len(),
			items.len(),
			query_labels.len(),
			queries.len()
		)));
	}
	Ok((labels, query_labels))
}
