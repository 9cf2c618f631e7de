// dot4 for distance.wgsl: the packed 4x8 integer dot product, a WGSL language feature. naga
// emits the hardware instruction where the driver has one and plain integer code elsewhere;
// both are exact.

requires packed_4x8_integer_dot_product;

fn dot4(a: u32, b: u32) -> i32 {
	return dot4I8Packed(a, b);
}
