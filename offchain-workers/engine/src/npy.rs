//! NumPy `.npy` files: the arrays the worker reads (int8 embeddings, integer labels) and writes
//! (int64 values).
//!
//! Format versions 1.0 to 3.0, C order, little endian (or single-byte) types only. Anything
//! else is refused with the reason, rather than read wrongly.

use crate::{Embeddings, Error, Result};
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"\x93NUMPY";

/// An array as read: its element type, shape and raw little-endian bytes.
#[derive(Clone, Debug)]
pub struct Array {
	/// The `descr` field, e.g. `|i1` or `<i8`.
	pub descr: String,
	/// The shape.
	pub shape: Vec<usize>,
	/// The elements' bytes, C order.
	pub data: Vec<u8>,
}

fn npy_err(path: &Path, reason: impl Into<String>) -> Error {
	Error::Npy { path: path.to_path_buf(), reason: reason.into() }
}

/// Reads a `.npy` file.
pub fn read(path: &Path) -> Result<Array> {
	let mut bytes =
		std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
	let (descr, shape, end) = parse_header(path, &bytes, bytes.len() as u64)?;
	bytes.drain(..end);
	Ok(Array { descr, shape, data: bytes })
}

/// The header of a `.npy` file of `file_len` bytes, from its first bytes (`prefix`, at least
/// the whole header): the element type, the shape and where the data starts. Checks that the
/// data is exactly as long as the shape says.
fn parse_header(path: &Path, prefix: &[u8], file_len: u64) -> Result<(String, Vec<usize>, usize)> {
	if prefix.len() < 10 || &prefix[..6] != MAGIC {
		return Err(npy_err(path, "not a .npy file (no \\x93NUMPY magic)"));
	}
	let major = prefix[6];
	let (header_len, start) = match major {
		1 => (u16::from_le_bytes([prefix[8], prefix[9]]) as usize, 10),
		2 | 3 if prefix.len() >= 12 => {
			(u32::from_le_bytes([prefix[8], prefix[9], prefix[10], prefix[11]]) as usize, 12)
		},
		_ => return Err(npy_err(path, format!("unsupported .npy format version {major}"))),
	};
	let end = start + header_len;
	let header = prefix
		.get(start..end)
		.and_then(|h| std::str::from_utf8(h).ok())
		.ok_or_else(|| npy_err(path, "truncated or non-UTF-8 header"))?;
	let descr = dict_value(header, "descr")
		.map(|v| v.trim_matches(|c| c == '\'' || c == '"').to_string())
		.ok_or_else(|| npy_err(path, "header has no 'descr'"))?;
	if dict_value(header, "fortran_order").as_deref() != Some("False") {
		return Err(npy_err(
			path,
			"Fortran-order arrays are not supported; save with np.ascontiguousarray",
		));
	}
	let shape_text =
		dict_value(header, "shape").ok_or_else(|| npy_err(path, "header has no 'shape'"))?;
	let shape = shape_text
		.trim_matches(|c| c == '(' || c == ')')
		.split(',')
		.map(str::trim)
		.filter(|s| !s.is_empty())
		.map(|s| s.parse::<usize>().map_err(|_| npy_err(path, format!("bad shape {shape_text}"))))
		.collect::<Result<Vec<_>>>()?;
	let width = element_width(&descr).ok_or_else(|| {
		npy_err(
			path,
			format!("element type {descr} is not supported (little-endian integers only)"),
		)
	})?;
	let count = shape.iter().try_fold(1usize, |a, &b| a.checked_mul(b));
	let expected = count.and_then(|c| c.checked_mul(width));
	let data_len = file_len.saturating_sub(end as u64);
	if expected.map(|e| e as u64) != Some(data_len) {
		return Err(npy_err(
			path,
			format!(
				"shape {shape:?} of {descr} needs {expected:?} data bytes, the file has {data_len}"
			),
		));
	}
	Ok((descr, shape, end))
}

/// Reads an `int8` matrix `[rows, d]` straight into packed [`Embeddings`]: the data is read
/// once, into its final place, so loading costs one pass over the file.
pub fn read_embeddings(path: &Path) -> Result<Embeddings> {
	use std::io::Read;
	let io = |source| Error::Io { path: path.to_path_buf(), source };
	let mut file = std::fs::File::open(path).map_err(io)?;
	let file_len = file.metadata().map_err(io)?.len();
	// The header: its length is in the first 12 bytes (10 for version 1).
	let mut prefix = vec![0u8; 12.min(file_len as usize)];
	file.read_exact(&mut prefix).map_err(io)?;
	let header_len = match prefix.get(6) {
		Some(1) if prefix.len() >= 10 => u16::from_le_bytes([prefix[8], prefix[9]]) as usize + 10,
		Some(2 | 3) if prefix.len() >= 12 => {
			u32::from_le_bytes([prefix[8], prefix[9], prefix[10], prefix[11]]) as usize + 12
		},
		_ => prefix.len(),
	};
	let header_len = header_len.min(file_len as usize).min(1 << 20);
	if header_len > prefix.len() {
		let have = prefix.len();
		prefix.resize(header_len, 0);
		file.read_exact(&mut prefix[have..]).map_err(io)?;
	}
	let (descr, shape, end) = parse_header(path, &prefix, file_len)?;
	let d = int8_matrix_dimension(path, &descr, &shape)?;
	crate::data::check_dimension(d)?;
	// `end` may fall short of what was read (a version 1 header is read as if it had 12 bytes).
	let mut packed = vec![0u32; (file_len as usize - end) / 4];
	let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut packed);
	let already = prefix.len() - end;
	bytes[..already].copy_from_slice(&prefix[end..]);
	file.read_exact(&mut bytes[already..]).map_err(io)?;
	// Packing is little-endian: a no-op here, a byte swap on a big-endian host.
	for word in &mut packed {
		*word = u32::from_le(*word);
	}
	Embeddings::from_packed(d, packed)
}

/// `d` of an `int8` matrix `[rows, d]`, or why the array is not one.
fn int8_matrix_dimension(path: &Path, descr: &str, shape: &[usize]) -> Result<u32> {
	if !matches!(descr, "|i1" | "<i1") {
		return Err(npy_err(path, format!("embeddings must be int8 (|i1), found {descr}")));
	}
	let [_, d] = shape[..] else {
		return Err(npy_err(path, format!("embeddings must be 2-D [N, d], found shape {shape:?}")));
	};
	u32::try_from(d).map_err(|_| npy_err(path, "dimension too large"))
}

/// The text of `key`'s value in the header's Python dict literal.
fn dict_value(header: &str, key: &str) -> Option<String> {
	let quoted = [format!("'{key}'"), format!("\"{key}\"")];
	let at = quoted.iter().find_map(|q| header.find(q.as_str()).map(|i| i + q.len()))?;
	let rest = header[at..].trim_start().strip_prefix(':')?.trim_start();
	let value = if rest.starts_with('(') {
		&rest[..=rest.find(')')?]
	} else {
		let end = rest.find([',', '}']).unwrap_or(rest.len());
		rest[..end].trim()
	};
	Some(value.to_string())
}

fn element_width(descr: &str) -> Option<usize> {
	match descr {
		"|i1" | "|u1" | "<i1" | "<u1" => Some(1),
		"<i2" | "<u2" => Some(2),
		"<i4" | "<u4" => Some(4),
		"<i8" | "<u8" => Some(8),
		_ => None,
	}
}

/// Reads an `int8` matrix `[rows, d]`, returning `d` and the values row-major.
pub fn read_i8_matrix(path: &Path) -> Result<(u32, Vec<i8>)> {
	let array = read(path)?;
	let d = int8_matrix_dimension(path, &array.descr, &array.shape)?;
	Ok((d, array.data.into_iter().map(|b| b as i8).collect()))
}

/// Reads a 1-D array of non-negative integers (any integer type) as `u32` labels.
pub fn read_labels(path: &Path) -> Result<Vec<u32>> {
	let array = read(path)?;
	if array.shape.len() != 1 {
		return Err(npy_err(path, format!("labels must be 1-D, found shape {:?}", array.shape)));
	}
	let width = element_width(&array.descr).unwrap_or(1);
	let signed = array.descr.as_bytes().get(1) == Some(&b'i');
	array
		.data
		.chunks_exact(width)
		.enumerate()
		.map(|(i, chunk)| {
			let mut word = [0u8; 8];
			word[..width].copy_from_slice(chunk);
			// Sign-extend signed types so that a negative label is seen as negative.
			if signed && chunk[width - 1] & 0x80 != 0 {
				word[width..].fill(0xff);
			}
			let value = if signed {
				i64::from_le_bytes(word) as i128
			} else {
				u64::from_le_bytes(word) as i128
			};
			u32::try_from(value).map_err(|_| {
				npy_err(path, format!("label {value} at position {i} is not in 0..=4294967295"))
			})
		})
		.collect()
}

/// The format 1.0 header for an array of `descr` elements with `shape`.
fn header(descr: &str, shape: &[usize]) -> Vec<u8> {
	let dims: Vec<String> = shape.iter().map(|s| s.to_string()).collect();
	let shape_text =
		if dims.len() == 1 { format!("({},)", dims[0]) } else { format!("({})", dims.join(", ")) };
	let mut dict =
		format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_text}, }}");
	// The data starts on a 64-byte boundary; the header ends with a newline.
	let unpadded = MAGIC.len() + 4 + dict.len() + 1;
	dict.push_str(&" ".repeat((64 - unpadded % 64) % 64));
	dict.push('\n');
	let mut out = Vec::with_capacity(10 + dict.len());
	out.extend_from_slice(MAGIC);
	out.extend_from_slice(&[1, 0]);
	out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
	out.extend_from_slice(dict.as_bytes());
	out
}

/// Writes `data` (raw little-endian elements of type `descr`) with `shape`, format 1.0.
pub fn write(path: &Path, descr: &str, shape: &[usize], data: &[u8]) -> Result<()> {
	let mut out = header(descr, shape);
	out.extend_from_slice(data);
	std::fs::write(path, out).map_err(|source| Error::Io { path: PathBuf::from(path), source })
}

/// Every committed entry of a run, `int64 [M, L, 4]` of (rank, index, distance, value),
/// written a group of queries at a time so that no more than a group is ever in memory. It
/// is written beside `path` and only renamed to `path` by [`EntriesFile::finish`], so a run
/// that fails leaves no file that looks complete.
pub struct EntriesFile {
	path: PathBuf,
	partial: PathBuf,
	file: std::io::BufWriter<std::fs::File>,
	per_query: usize,
}

impl EntriesFile {
	/// Starts `path` for `queries` rankings of `per_query` entries each.
	pub fn create(path: &Path, queries: usize, per_query: usize) -> Result<Self> {
		let mut partial = path.as_os_str().to_owned();
		partial.push(".partial");
		let partial = PathBuf::from(partial);
		let io = |source| Error::Io { path: partial.clone(), source };
		let mut file = std::io::BufWriter::new(std::fs::File::create(&partial).map_err(io)?);
		std::io::Write::write_all(&mut file, &header("<i8", &[queries, per_query, 4]))
			.map_err(io)?;
		Ok(EntriesFile { path: path.to_path_buf(), partial, file, per_query })
	}

	/// Flushes and moves the file to its final path.
	pub fn finish(mut self) -> Result<()> {
		std::io::Write::flush(&mut self.file)
			.map_err(|source| Error::Io { path: self.partial.clone(), source })?;
		std::fs::rename(&self.partial, &self.path)
			.map_err(|source| Error::Io { path: self.path.clone(), source })
	}

	/// Appends the next rankings, in query order.
	pub fn append(&mut self, rankings: &[crate::Ranking]) -> Result<()> {
		let io = |source| Error::Io { path: self.partial.clone(), source };
		for ranking in rankings {
			if ranking.len() != self.per_query {
				return Err(Error::Shape(format!(
					"a ranking of {} entries, {} expected",
					ranking.len(),
					self.per_query
				)));
			}
			let mut row = Vec::with_capacity(ranking.len() * 32);
			for e in ranking.entries() {
				for field in [e.rank as i64, e.index as i64, e.distance as i64, e.value] {
					row.extend_from_slice(&field.to_le_bytes());
				}
			}
			std::io::Write::write_all(&mut self.file, &row).map_err(io)?;
		}
		Ok(())
	}
}

/// Writes a 1-D `int64` array of `len` elements, 0 but where `valued` (ascending indices) says
/// otherwise, streamed so that the array is never in memory.
pub fn write_i64_sparse(
	path: &Path,
	len: usize,
	valued: impl IntoIterator<Item = (u32, i64)>,
) -> Result<()> {
	use std::io::Write;
	let io = |source| Error::Io { path: PathBuf::from(path), source };
	let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
	file.write_all(&header("<i8", &[len])).map_err(io)?;
	let mut next = 0usize;
	let zeros = |file: &mut std::io::BufWriter<std::fs::File>, count: usize| {
		(0..count).try_for_each(|_| file.write_all(&0i64.to_le_bytes()))
	};
	for (index, value) in valued {
		let index = index as usize;
		if index < next || index >= len {
			return Err(Error::Shape(format!("value at {index} out of order or beyond {len}")));
		}
		zeros(&mut file, index - next).map_err(io)?;
		file.write_all(&value.to_le_bytes()).map_err(io)?;
		next = index + 1;
	}
	zeros(&mut file, len - next).map_err(io)?;
	file.flush().map_err(io)
}

/// Writes a 1-D `int64` array.
pub fn write_i64(path: &Path, values: &[i64]) -> Result<()> {
	let data: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
	write(path, "<i8", &[values.len()], &data)
}

/// Writes an `int8` matrix of `values.len() / d` rows.
pub fn write_i8_matrix(path: &Path, d: usize, values: &[i8]) -> Result<()> {
	let data: Vec<u8> = values.iter().map(|&v| v as u8).collect();
	write(path, "|i1", &[values.len() / d.max(1), d], &data)
}

/// Writes a 1-D `uint32` array.
pub fn write_u32(path: &Path, values: &[u32]) -> Result<()> {
	let data: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
	write(path, "<u4", &[values.len()], &data)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn temp(name: &str) -> PathBuf {
		let dir = std::env::temp_dir().join(format!("npy-test-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		dir.join(name)
	}

	#[test]
	fn round_trips() {
		let p = temp("m.npy");
		write_i8_matrix(&p, 4, &[1, -2, 3, -4, 5, 6, 7, -128]).unwrap();
		assert_eq!(read_i8_matrix(&p).unwrap(), (4, vec![1, -2, 3, -4, 5, 6, 7, -128]));
		let want = Embeddings::from_i8(4, &[1, -2, 3, -4, 5, 6, 7, -128]).unwrap();
		assert_eq!(read_embeddings(&p).unwrap(), want);
		let p = temp("l.npy");
		write_u32(&p, &[0, 9, 4_000_000_000]).unwrap();
		assert_eq!(read_labels(&p).unwrap(), vec![0, 9, 4_000_000_000]);
		let p = temp("v.npy");
		write_i64(&p, &[-1, i64::MAX]).unwrap();
		let a = read(&p).unwrap();
		assert_eq!(
			(a.descr.as_str(), a.shape.as_slice(), a.data.len()),
			("<i8", &[2usize][..], 16)
		);
		// Sparse: the same bytes as the dense array, zeros between and after.
		let dense = temp("dense.npy");
		write_i64(&dense, &[0, 5, 0, 0, -7, 0]).unwrap();
		let sparse = temp("sparse.npy");
		write_i64_sparse(&sparse, 6, [(1, 5), (4, -7)]).unwrap();
		assert_eq!(std::fs::read(&sparse).unwrap(), std::fs::read(&dense).unwrap());
		assert!(write_i64_sparse(&sparse, 3, [(2, 1), (1, 1)]).is_err());
		assert!(write_i64_sparse(&sparse, 3, [(3, 1)]).is_err());
	}

	#[test]
	fn refuses_what_it_cannot_read() {
		let p = temp("bad.npy");
		write(&p, "<f4", &[1], &[0; 4]).unwrap();
		assert!(read(&p).unwrap_err().to_string().contains("element type <f4"));
		write(&p, "<i8", &[1], &(-3i64).to_le_bytes()).unwrap();
		assert!(read_labels(&p).unwrap_err().to_string().contains("label -3 at position 0"));
		write(&p, "<i8", &[2], &[0; 8]).unwrap();
		assert!(read(&p).unwrap_err().to_string().contains("needs Some(16) data bytes"));
		assert!(read_embeddings(&p).unwrap_err().to_string().contains("needs Some(16) data bytes"));
		write(&p, "<u4", &[2], &[0; 8]).unwrap();
		assert!(read_i8_matrix(&p).unwrap_err().to_string().contains("must be int8"));
		assert!(read_embeddings(&p).unwrap_err().to_string().contains("must be int8"));
		write(&p, "|i1", &[2, 3], &[0; 6]).unwrap();
		assert!(read_embeddings(&p).unwrap_err().to_string().contains("Dimension(3)"));
		write(&p, "|i1", &[2, 4], &[0; 7]).unwrap();
		assert!(read_embeddings(&p).unwrap_err().to_string().contains("needs Some(8) data bytes"));
		for junk in [&b"hello"[..], b"", b"\x93NUMPY\x01\x00\xff\xff{"] {
			std::fs::write(&p, junk).unwrap();
			assert!(read(&p).is_err() && read_embeddings(&p).is_err(), "{junk:?}");
		}
		std::fs::write(&p, b"hello").unwrap();
		assert!(read_embeddings(&p).unwrap_err().to_string().contains("magic"));
	}

	#[test]
	fn reads_numpy_written_headers() {
		// The exact header numpy 2.x writes for np.save(f, np.zeros((2, 4), np.int8)).
		let header = "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 4), }";
		let mut bytes = MAGIC.to_vec();
		bytes.extend_from_slice(&[1, 0]);
		let padded = format!("{header:<117}\n");
		bytes.extend_from_slice(&(padded.len() as u16).to_le_bytes());
		bytes.extend_from_slice(padded.as_bytes());
		bytes.extend_from_slice(&[0xff; 8]);
		let p = temp("numpy.npy");
		std::fs::write(&p, bytes).unwrap();
		let a = read(&p).unwrap();
		assert_eq!((a.shape, a.data.len()), (vec![2, 4], 8));
		let e = read_embeddings(&p).unwrap();
		assert_eq!((e.len(), e.packed()), (2, &[u32::MAX, u32::MAX][..]));
	}
}
