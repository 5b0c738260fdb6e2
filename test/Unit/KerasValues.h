// Builders of kconv::keras::Value trees (serialized Keras objects) for unit tests.
#ifndef KCONV_TEST_UNIT_KERASVALUES_H
#define KCONV_TEST_UNIT_KERASVALUES_H

#include "kconv/Keras/KerasModel.h"

#include <string>
#include <utility>
#include <vector>

namespace kconv::keras::testing {

inline Value text(const std::string &s) {
  Value v;
  v.kind = Value::Kind::String;
  v.string = s;
  return v;
}

inline Value number(double x) {
  Value v;
  v.kind = Value::Kind::Float;
  v.number = x;
  return v;
}

inline Value ints(const std::vector<int64_t> &xs) {
  Value v;
  v.kind = Value::Kind::List;
  for (int64_t x : xs) {
    Value i;
    i.kind = Value::Kind::Int;
    i.integer = x;
    v.list.push_back(i);
  }
  return v;
}

/// {"class_name": className, "config": {...}}, as Keras serializes objects.
inline Value object(const std::string &className,
                    std::vector<std::pair<std::string, Value>> config = {}) {
  Value v, cfg;
  v.kind = cfg.kind = Value::Kind::Dict;
  cfg.dict = std::move(config);
  v.dict = {{"class_name", text(className)}, {"config", cfg}};
  return v;
}

} // namespace kconv::keras::testing

#endif
