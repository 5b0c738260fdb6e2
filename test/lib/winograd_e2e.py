#!/usr/bin/python3
"""Conv2D layers computed by Winograd's F(2x2, 3x3) and F(4x4, 3x3), checked end to end
against conv_reference's float64 convolution with conv_e2e's tolerances: forced
schedules over tile sizes, tails (outputs that are not whole tiles), padding, batch,
data formats, bias and activations, and layers whose default schedule is Winograd."""
import argparse
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import conv_e2e  # noqa: E402

KERAS3 = dict(container="keras3", keras_version="3.4.1", input_layer=True)


def winograd(m, vw, vectors, tile_x, parallel="true"):
    return (f'#kconv.schedule<vectorize = "channels", vector_width = {vw}, vectors = {vectors}, '
            f"tile_x = {tile_x}, tile_y = 1, parallel = {parallel}, stage_input = false, "
            f"channels_outer = false, winograd = {m}>")


def cases():
    c = conv_e2e.case
    forced = [
        # (case, schedule): F(2x2, 3x3)
        (c("f2_same_relu", 12, 12, 32, 32, (3, 3), padding="same", activation="relu"),
         winograd(2, 16, 2, 6)),
        (c("f2_valid_tails", 13, 11, 8, 16, (3, 3)), winograd(2, 8, 2, 4)),  # 11x9 output
        (c("f2_tile_rounds_up", 9, 15, 5, 8, (3, 3), padding="same", use_bias=False),
         winograd(2, 8, 1, 3, parallel="false")),  # 8 tiles a row in register tiles of 3
        (c("f2_batch_channels_first", 10, 7, 16, 32, (3, 3), padding="same",
           data_format="channels_first", batch=3, activation="swish"), winograd(2, 16, 1, 4)),
        (c("f2_keras3_lanes4", 6, 5, 3, 12, (3, 3), padding="same", **KERAS3),
         winograd(2, 4, 3, 2)),
        (c("f2_tall_threads", 40, 6, 24, 16, (3, 3), padding="same", activation="elu",
           threads=3), winograd(2, 16, 1, 3)),
        # F(4x4, 3x3)
        (c("f4_same", 14, 14, 64, 64, (3, 3), padding="same", activation="relu"),
         winograd(4, 16, 2, 4)),
        (c("f4_valid_tails", 11, 13, 8, 16, (3, 3)), winograd(4, 16, 1, 3)),  # 9x11 output
        (c("f4_batch_no_bias", 7, 9, 4, 8, (3, 3), padding="same", batch=2, use_bias=False,
           data_format="channels_first"), winograd(4, 8, 1, 2)),
    ]
    out = []
    for spec, schedule in forced:
        spec = dict(spec, forced_schedule=schedule)
        out.append(spec)
    # Defaults that are Winograd's F(2x2, 3x3) (3x3, stride 1, >= 32 channels and
    # filters, >= 32 tiles): with bias and activation, both formats, Keras 2 and 3.
    out += [
        c("default_56", 16, 16, 32, 64, (3, 3), padding="same", activation="relu"),
        c("default_valid", 14, 13, 48, 32, (3, 3), activation="gelu", batch=2),
        c("default_channels_first", 12, 12, 32, 32, (3, 3), padding="same",
          data_format="channels_first", **KERAS3),
        # kconvc --winograd=4: F(4x4, 3x3) by default where a layer has 16 such tiles;
        # --winograd=0: the direct form.
        dict(c("default_f4", 16, 18, 32, 32, (3, 3), padding="same", activation="relu"),
             kconvc_args=["--winograd=4"]),
        dict(c("default_direct", 16, 16, 32, 64, (3, 3), padding="same"),
             kconvc_args=["--winograd=0"]),
    ]
    return out


def run(spec, kconvc, workdir):
    schedule = spec.pop("forced_schedule", None)
    extra = spec.pop("kconvc_args", [])
    if schedule:
        d = os.path.join(workdir, spec["name"])
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "schedule.txt")
        with open(path, "w") as f:
            f.write(f"conv2d_{spec['name']} = {schedule}\n")
        extra = extra + ["--schedule", path]
    return conv_e2e.run_case(spec, kconvc, workdir, extra)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kconvc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    return conv_e2e.report("winograd", cases(), lambda s: run(s, args.kconvc, args.workdir),
                           args.jobs)


if __name__ == "__main__":
    sys.exit(main())
