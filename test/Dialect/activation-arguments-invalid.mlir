// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.activation's arguments as keras.ops passes them: alpha only where it means one,
// threshold's two arguments both given, celu's alpha not 0.

func.func @alpha_on_tanh(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'alpha' applies to leaky_relu, elu, celu, squareplus, soft_shrink, hard_shrink and threshold only}}
  %y = kconv.activation %x {activation = #kconv.activation<tanh>, alpha = 1.0 : f64} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @threshold_without_value(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{threshold needs 'threshold' and 'alpha' (its default value)}}
  %y = kconv.activation %x {activation = #kconv.activation<threshold>, threshold = 0.5 : f64} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @threshold_on_gelu(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'threshold' apply to relu only ('threshold' also to threshold)}}
  %y = kconv.activation %x {activation = #kconv.activation<gelu_tanh>, threshold = 0.5 : f64} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @celu_zero(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{celu's 'alpha' must not be 0 (it divides by it)}}
  %y = kconv.activation %x {activation = #kconv.activation<celu>, alpha = 0.0 : f64} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return
}
