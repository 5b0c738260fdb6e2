// RUN: kconv-opt %s --kconv-convert-layout | FileCheck %s

// A channels_first depth_unfold (Conv3D) reads its (N, C, D, H, W) input through a
// transpose to (N, D, H, W, C) and becomes channels_last; its result, a channels_last
// image in either layout, keeps its shape and needs no transpose back.
// CHECK-LABEL: func.func @depth_unfold
// CHECK: %[[IN:.*]] = kconv.transpose %arg0 {permutation = array<i64: 0, 2, 3, 4, 1>} : (tensor<?x4x5x6x7xf32>) -> tensor<?x5x6x7x4xf32>
// CHECK: %[[U:.*]] = kconv.depth_unfold %[[IN]] {data_format = #kconv.data_format<channels_last>, {{.*}}} : (tensor<?x5x6x7x4xf32>) -> tensor<?x40x7x12xf32>
// CHECK: return %[[U]]
func.func @depth_unfold(%x: tensor<?x4x5x6x7xf32>) -> tensor<?x40x7x12xf32> {
  %u = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_first>, depth_padding = array<i64: 1, 1>, dilation_depth = 1 : i64, groups = 1 : i64, kernel_depth = 3 : i64, row_padding = array<i64: 1, 1>, stride_depth = 1 : i64} : (tensor<?x4x5x6x7xf32>) -> tensor<?x40x7x12xf32>
  return %u : tensor<?x40x7x12xf32>
}

// A channels_last one is left alone.
// CHECK-LABEL: func.func @already_last
// CHECK-NOT: kconv.transpose
// CHECK: kconv.depth_unfold %arg0 {data_format = #kconv.data_format<channels_last>
func.func @already_last(%x: tensor<?x5x6x7x4xf32>) -> tensor<?x40x7x12xf32> {
  %u = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_last>, depth_padding = array<i64: 1, 1>, dilation_depth = 1 : i64, groups = 1 : i64, kernel_depth = 3 : i64, row_padding = array<i64: 1, 1>, stride_depth = 1 : i64} : (tensor<?x5x6x7x4xf32>) -> tensor<?x40x7x12xf32>
  return %u : tensor<?x40x7x12xf32>
}
