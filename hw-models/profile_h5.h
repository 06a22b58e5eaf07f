// The HDF5 form of a profile: the profile's JSON document tree stored as HDF5, so one reader
// (read_profile_json on the tree) validates both forms.
//
// Layout (self-describing; every group has a "json_kind" attribute):
// - a JSON object is a group (json_kind "object"); its string, number and boolean members are
//   attributes (string: UTF-8 variable length; integer: int64; real: double; boolean: uint8),
//   its object members are subgroups, its array members are datasets or tables;
// - an array of scalars is a 1-D dataset (json_kind attribute "array");
// - an array of objects is a table: a group (json_kind "table", attribute "rows") with one 1-D
//   column dataset per leaf key; nested objects flatten to dotted column names
//   ("provenance.kind"); a key missing in some rows has a "KEY@present" uint8 mask; an array
//   inside a row (samples) is a ragged column: the concatenated values plus "KEY@offsets"
//   (rows + 1 int64). Columns whose key ends in _ms, _bytes or _mb carry a "unit" attribute.
// A validation error in an HDF5 profile names the JSON-style path, e.g.
// $.models.resnet101.latency[3].mean_ms = group /models/resnet101/latency, column mean_ms, row 3.
//
// Writing is byte-for-byte reproducible: object modification times are not recorded.
#pragma once

#include <string>

#include "sim/config.h"

namespace hw {

// Throws std::invalid_argument for a tree this layout cannot hold (mixed-type arrays, arrays of
// arrays, reserved key names); sim::ConfigError when the file cannot be written.
void write_json_h5(const sim::Json& document, const std::string& file);
// Throws sim::ConfigError naming the file and the HDF5 object for an unreadable or malformed file;
// no file, however corrupted, crashes it (bounds in profile_h5_read.cpp).
// Reading stops after `timeout_s` seconds (a corrupted file can send HDF5 into an endless loop).
sim::Json read_json_h5(const std::string& file, int timeout_s = 30);
// The same from an in-memory image of a file (nothing touches the disk); `name` is for messages.
sim::Json read_json_h5_image(const void* data, std::size_t size, const std::string& name);

}  // namespace hw
