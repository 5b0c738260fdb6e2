// RUN: kconv-opt %s --kconv-convert-layout | FileCheck %s

// A channels_first resize is computed channels_last between two transposes, its size
// unchanged (it is (height, width) in either layout).
// CHECK-LABEL: func.func @resize
// CHECK: %[[IN:.*]] = kconv.transpose %arg0 {permutation = array<i64: 0, 2, 3, 1>} : (tensor<?x3x9x11xf32>) -> tensor<?x9x11x3xf32>
// CHECK: %[[R:.*]] = kconv.resize %[[IN]] {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.resize_method<bilinear>, size = array<i64: 4, 20>} : (tensor<?x9x11x3xf32>) -> tensor<?x4x20x3xf32>
// CHECK: %[[OUT:.*]] = kconv.transpose %[[R]] {permutation = array<i64: 0, 3, 1, 2>} : (tensor<?x4x20x3xf32>) -> tensor<?x3x4x20xf32>
// CHECK: return %[[OUT]]
func.func @resize(%x: tensor<?x3x9x11xf32>) -> tensor<?x3x4x20xf32> {
  %r = kconv.resize %x {data_format = #kconv.data_format<channels_first>, interpolation = #kconv.resize_method<bilinear>, size = array<i64: 4, 20>} : (tensor<?x3x9x11xf32>) -> tensor<?x3x4x20xf32>
  return %r : tensor<?x3x4x20xf32>
}
