# Removes what kconvc's driver adds to the IR after the kconv passes: each convolution's
# schedule and each layer's fusion decision.
s/ {kconv\.fusion = "[a-z]*"}//g
s/, kconv\.fusion = "[a-z]*"//g
s/kconv\.fusion = "[a-z]*", //g
s/, schedule = #kconv\.schedule<[^>]*>//g
