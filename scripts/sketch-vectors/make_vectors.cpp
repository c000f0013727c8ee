// Writes the Theta sketch test vectors of test/fixtures/theta/ with Apache DataSketches (C++):
// serialized compact sketches (.bin), a manifest of what DataSketches reads back from each and
// of the results of set-operation plans, the binomial-bound constants src/sketch/ needs, and
// the sketches base64-encoded in a module the Worker tests import. See README.md here.
//
// Usage: make_vectors <fixtures dir> <binomial tables .ts path>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <binomial_bounds.hpp>
#include <theta_a_not_b.hpp>
#include <theta_intersection.hpp>
#include <theta_sketch.hpp>
#include <theta_union.hpp>

using namespace datasketches;
using bytes = std::vector<uint8_t>;

static const uint64_t POPULATION = 100000;  // synthetic user ids 1..POPULATION
static const uint8_t UNION_LG_K = 12;

// A fixed 64-bit mix (splitmix64's finalizer): decides which synthetic users a segment holds.
static uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

static std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

static std::string json_string(const std::string& s) { return "\"" + s + "\""; }

static std::string base64(const bytes& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    out += t[v >> 18]; out += t[(v >> 12) & 63]; out += t[(v >> 6) & 63]; out += t[v & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = in[i] << 16;
    out += t[v >> 18]; out += t[(v >> 12) & 63]; out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (in[i] << 16) | (in[i + 1] << 8);
    out += t[v >> 18]; out += t[(v >> 12) & 63]; out += t[(v >> 6) & 63]; out += '=';
  }
  return out;
}

// What a test compares after decoding: DataSketches' own reading of the bytes.
static std::string summary_json(const theta_sketch& s) {
  uint64_t sum = 0, first = 0, last = 0;
  uint32_t n = 0;
  for (uint64_t h : s) {
    if (n == 0) first = h;
    last = h;
    sum += h;
    ++n;
  }
  std::ostringstream o;
  o << "\"empty\": " << (s.is_empty() ? "true" : "false")
    << ", \"ordered\": " << (s.is_ordered() ? "true" : "false")
    << ", \"estimation_mode\": " << (s.is_estimation_mode() ? "true" : "false")
    << ", \"retained_entries\": " << s.get_num_retained()
    << ", \"theta64\": " << json_string(std::to_string(s.get_theta64()))
    << ", \"theta\": " << num(s.get_theta())
    << ", \"estimate\": " << num(s.get_estimate())
    << ", \"lower_bound\": " << num(s.get_lower_bound(2))
    << ", \"upper_bound\": " << num(s.get_upper_bound(2))
    << ", \"first_hash\": " << json_string(std::to_string(first))
    << ", \"last_hash\": " << json_string(std::to_string(last))
    << ", \"hash_sum\": " << json_string(std::to_string(sum));
  return o.str();
}

struct Vector {
  std::string name;
  std::string form;  // how it was serialized, for the reader of the manifest
  bytes data;
  std::string extra;  // more manifest fields (true counts, lg_k)
};

static std::vector<Vector> vectors;
static std::map<std::string, compact_theta_sketch> by_name;

static bytes serialize(const compact_theta_sketch& s, bool compressed) {
  auto v = compressed ? s.serialize_compressed() : s.serialize();
  return bytes(v.begin(), v.end());
}

static void add(const std::string& name, const std::string& form, const compact_theta_sketch& s, bool compressed,
                const std::string& extra = "", uint64_t seed = DEFAULT_SEED) {
  bytes data = serialize(s, compressed);
  // Read back as DataSketches reads an uploaded sketch: the manifest describes these bytes.
  by_name.emplace(name, compact_theta_sketch::deserialize(data.data(), data.size(), seed));
  vectors.push_back({name, form, data, extra});
}

static update_theta_sketch build(uint8_t lg_k, float p, uint64_t seed, const std::function<bool(uint64_t)>& member,
                                 uint64_t* true_count, uint64_t population = POPULATION) {
  auto s = update_theta_sketch::builder().set_lg_k(lg_k).set_p(p).set_seed(seed).build();
  uint64_t count = 0;
  for (uint64_t id = 1; id <= population; ++id) {
    if (member(id)) {
      s.update(id);
      ++count;
    }
  }
  if (true_count) *true_count = count;
  return s;
}

// A segment of the synthetic population: users whose mixed id falls in [from, to) per 10,000.
struct Segment {
  std::string name;
  uint64_t salt;
  uint32_t from, to;
  bool has(uint64_t id) const {
    const uint32_t bucket = mix(id ^ salt) % 10000;
    return bucket >= from && bucket < to;
  }
};

static std::map<std::string, Segment> segments;

static void add_segment(const Segment& seg, uint8_t lg_k, bool trim, bool ordered, bool compressed) {
  segments.emplace(seg.name, seg);
  uint64_t count = 0;
  auto s = build(lg_k, 1, DEFAULT_SEED, [&](uint64_t id) { return seg.has(id); }, &count);
  if (trim) s.trim();
  std::string form = std::string(compressed ? "v4 compressed" : ordered ? "v3 ordered" : "v3 unordered") +
                     ", lg_k " + std::to_string(lg_k) + (trim ? ", trimmed" : "");
  add(seg.name, form, s.compact(ordered), compressed,
      "\"lg_k\": " + std::to_string(lg_k) + ", \"true_count\": " + std::to_string(count));
}

// The v3 bytes of an ordered estimation-mode sketch holding `entries`: DataSketches reads
// them back and writes them compressed, so a chosen hash set gives a chosen delta width.
static bytes v3_bytes(uint64_t theta, const std::vector<uint64_t>& entries) {
  bytes out(24 + 8 * entries.size(), 0);
  const uint16_t seed_hash = compute_seed_hash(DEFAULT_SEED);
  const uint32_t n = static_cast<uint32_t>(entries.size());
  out[0] = 3;       // preamble longs
  out[1] = 3;       // serial version
  out[2] = 3;       // compact theta
  out[5] = 2 | 8 | 16;  // read-only, compact, ordered
  std::memcpy(&out[6], &seed_hash, 2);
  std::memcpy(&out[8], &n, 4);
  std::memcpy(&out[16], &theta, 8);
  std::memcpy(&out[24], entries.data(), 8 * entries.size());
  return out;
}

// Format vectors: every serial form DataSketches writes, and the edges of each.
static void add_format_vectors() {
  auto none = [](uint64_t) { return true; };
  add("empty", "v3 empty", build(12, 1, DEFAULT_SEED, none, nullptr, 0).compact(), false, "\"true_count\": 0");
  add("single_item", "v3 single item", build(12, 1, DEFAULT_SEED, none, nullptr, 1).compact(), false,
      "\"true_count\": 1");
  add("exact_ordered", "v3 ordered, exact mode, lg_k 12", build(12, 1, DEFAULT_SEED, none, nullptr, 300).compact(true),
      false, "\"lg_k\": 12, \"true_count\": 300");
  add("exact_unordered", "v3 unordered, exact mode, lg_k 12",
      build(12, 1, DEFAULT_SEED, none, nullptr, 300).compact(false), false, "\"lg_k\": 12, \"true_count\": 300");
  add("estimation_ordered_lg10", "v3 ordered, estimation mode, lg_k 10",
      build(10, 1, DEFAULT_SEED, none, nullptr, 20000).compact(true), false, "\"lg_k\": 10, \"true_count\": 20000");
  {
    auto s = build(10, 1, DEFAULT_SEED, none, nullptr, 20000);
    s.trim();
    add("estimation_unordered_lg10", "v3 unordered, estimation mode, lg_k 10, trimmed", s.compact(false), false,
        "\"lg_k\": 10, \"true_count\": 20000");
  }
  add("compressed_exact", "v4 compressed, exact mode, lg_k 12",
      build(12, 1, DEFAULT_SEED, none, nullptr, 300).compact(true), true, "\"lg_k\": 12, \"true_count\": 300");
  {
    auto s = build(10, 1, DEFAULT_SEED, none, nullptr, 20000);
    s.trim();
    add("compressed_estimation_lg10", "v4 compressed, estimation mode, lg_k 10, trimmed", s.compact(true), true,
        "\"lg_k\": 10, \"true_count\": 20000");
  }
  {
    auto s = build(14, 0.05f, DEFAULT_SEED, none, nullptr, 20000);
    add("compressed_sampled_lg14", "v4 compressed, lg_k 14, p = 0.05", s.compact(true), true,
        "\"lg_k\": 14, \"true_count\": 20000");
  }
  {
    auto s = build(16, 0.02f, DEFAULT_SEED, none, nullptr, 4000);
    add("sampled_lg16", "v3 ordered, lg_k 16, p = 0.02", s.compact(true), false, "\"lg_k\": 16, \"true_count\": 4000");
  }
  {
    // Estimation mode with no entry left (theta < 1, nothing below it): preamble 3, 0 entries.
    auto s = build(12, 0.001f, DEFAULT_SEED, none, nullptr, 10);
    if (s.get_num_retained() != 0) throw std::logic_error("expected no retained entry");
    add("estimation_no_entries", "v3, estimation mode, 0 entries (p = 0.001)", s.compact(), false,
        "\"lg_k\": 12, \"true_count\": 10");
  }
  {
    // Estimation mode with one entry: preamble 3 (not the single-item form), and v4 with it.
    uint64_t n = 10;
    for (;; ++n) {
      auto s = build(12, 0.05f, DEFAULT_SEED, none, nullptr, n);
      if (s.get_num_retained() == 1) {
        add("estimation_one_entry", "v3, estimation mode, 1 entry (p = 0.05)", s.compact(), false,
            "\"lg_k\": 12, \"true_count\": " + std::to_string(n));
        add("compressed_estimation_one_entry", "v4 compressed, estimation mode, 1 entry (p = 0.05)", s.compact(), true,
            "\"lg_k\": 12, \"true_count\": " + std::to_string(n));
        break;
      }
    }
  }
  // Compressed forms at chosen delta widths: sketches DataSketches itself serializes, made
  // from hash sets picked so the widest delta between neighbours needs `bits` bits.
  for (int bits : {1, 7, 8, 13, 31, 32, 33, 47, 56, 63}) {
    std::vector<uint64_t> entries;
    const uint64_t step = (bits == 63) ? 0 : (1ULL << (bits - 1));
    if (bits == 63) {
      entries = {1ULL << 62, (1ULL << 62) + 12345};
    } else {
      uint64_t h = step;
      for (int i = 0; i < 21; ++i) {
        entries.push_back(h);
        h += (i % 3 == 0) ? step : 1 + (step >> 1);
      }
    }
    const uint64_t theta = entries.back() + 1;
    const auto s = compact_theta_sketch::deserialize(v3_bytes(theta, entries).data(), 24 + 8 * entries.size());
    add("compressed_bits_" + std::to_string(bits), "v4 compressed, " + std::to_string(bits) + "-bit deltas", s, true);
  }
  {
    auto s = build(12, 1, 12345, none, nullptr, 100);
    add("wrong_seed", "v3 ordered, seed 12345 (not 9001)", s.compact(), false, "\"seed\": 12345", 12345);
  }
}

// Plans, evaluated with DataSketches' own set operations in the documented order.
struct Subgroup {
  std::string op;  // AND or OR
  bool exclude;
  std::vector<std::string> members;
};
struct Plan {
  std::string name;
  std::string op;
  std::vector<Subgroup> subgroups;
};

static compact_theta_sketch run_subgroup(const Subgroup& sg) {
  if (sg.op == "OR") {
    auto u = theta_union::builder().set_lg_k(UNION_LG_K).build();
    for (auto& m : sg.members) u.update(by_name.at(m));
    return u.get_result();
  }
  theta_intersection i;
  for (auto& m : sg.members) i.update(by_name.at(m));
  return i.get_result();
}

// Plans over the format vectors (users 1..n, not segments of the catalog) have no true count.
static bool has_truth(const Plan& p) {
  for (const auto& sg : p.subgroups)
    for (const auto& m : sg.members)
      if (!segments.count(m)) return false;
  return true;
}

static bool subgroup_has(const Subgroup& sg, uint64_t id) {
  auto has = [&](const std::string& m) { return m != "empty" && segments.at(m).has(id); };
  if (sg.op == "OR") {
    for (auto& m : sg.members) if (has(m)) return true;
    return false;
  }
  for (auto& m : sg.members) if (!has(m)) return false;
  return true;
}

static std::string plan_json(const Plan& p) {
  std::vector<compact_theta_sketch> results;
  std::ostringstream o;
  o << "    {\"name\": " << json_string(p.name) << ", \"subgroup_operator\": " << json_string(p.op)
    << ", \"segment_subgroup\": [";
  for (size_t i = 0; i < p.subgroups.size(); ++i) {
    const auto& sg = p.subgroups[i];
    results.push_back(run_subgroup(sg));
    std::string truth = "null";
    if (has_truth(p)) {
      uint64_t count = 0;
      for (uint64_t id = 1; id <= POPULATION; ++id) count += subgroup_has(sg, id);
      truth = std::to_string(count);
    }
    o << (i ? ", " : "") << "\n      {\"segment_operator\": " << json_string(sg.op)
      << ", \"exclude\": " << (sg.exclude ? "true" : "false") << ", \"members\": [";
    for (size_t j = 0; j < sg.members.size(); ++j) o << (j ? ", " : "") << json_string(sg.members[j]);
    o << "], \"expected\": {" << summary_json(results.back()) << ", \"true_count\": " << truth << "}}";
  }
  o << "],\n      \"expected\": {";
  const theta_a_not_b a_not_b;
  const auto& universe = by_name.at("universe");
  std::vector<compact_theta_sketch> group;
  if (p.op == "AND") {
    theta_intersection inter;
    bool any = false;
    for (size_t i = 0; i < p.subgroups.size(); ++i) {
      if (!p.subgroups[i].exclude) { inter.update(results[i]); any = true; }
    }
    compact_theta_sketch acc = any ? inter.get_result() : compact_theta_sketch(universe, true);
    for (size_t i = 0; i < p.subgroups.size(); ++i) {
      if (p.subgroups[i].exclude) acc = a_not_b.compute(acc, results[i]);
    }
    group.push_back(acc);
  } else {
    auto u = theta_union::builder().set_lg_k(UNION_LG_K).build();
    for (size_t i = 0; i < p.subgroups.size(); ++i) {
      if (p.subgroups[i].exclude) u.update(a_not_b.compute(universe, results[i]));
      else u.update(results[i]);
    }
    group.push_back(u.get_result());
  }
  std::string truth = "null";
  if (has_truth(p)) {
    uint64_t count = 0;
    for (uint64_t id = 1; id <= POPULATION; ++id) {
      bool matched = p.op == "AND";
      for (const auto& sg : p.subgroups) {
        const bool contribution = subgroup_has(sg, id) != sg.exclude;
        matched = p.op == "AND" ? (matched && contribution) : (matched || contribution);
      }
      count += matched;
    }
    truth = std::to_string(count);
  }
  o << summary_json(group.back()) << ", \"true_count\": " << truth << "}}";
  return o.str();
}

static std::string bounds_json() {
  std::ostringstream o;
  bool first = true;
  for (unsigned long long n : {0ULL, 1ULL, 2ULL, 3ULL, 10ULL, 50ULL, 119ULL, 120ULL, 121ULL, 500ULL, 4096ULL}) {
    for (double theta : {1.0, 0.999995, 0.9, 0.5, 0.2, 0.05, 0.01, 0.001, 1e-6}) {
      o << (first ? "" : ",") << "\n    {\"n\": " << n << ", \"theta\": " << num(theta)
        << ", \"lower_bound\": " << num(binomial_bounds::get_lower_bound(n, theta, 2))
        << ", \"upper_bound\": " << num(binomial_bounds::get_upper_bound(n, theta, 2)) << "}";
      first = false;
    }
  }
  return o.str();
}

// The constants of the small-sample bounds, for src/sketch/ (two standard deviations only).
static void write_tables(const std::string& path) {
  std::ofstream f(path);
  f << "// Generated by scripts/sketch-vectors/make_vectors.cpp from Apache DataSketches'\n"
       "// binomial_bounds.hpp (Apache License 2.0): do not edit. The constants of its bounds for\n"
       "// 2 to 120 retained entries at two standard deviations, and the tail probability it uses.\n\n"
       "/** The lower bound's equivalent number of standard deviations, indexed by retained entries. */\n"
       "export const LOWER_BOUND_STD_DEVS: readonly number[] = [";
  for (int k = 0; k <= 120; ++k) f << (k % 6 ? " " : "\n  ") << num(lb_equiv_table[3 * k + 1]) << ",";
  f << "\n];\n\n/** The upper bound's equivalent number of standard deviations, indexed by retained entries. */\n"
       "export const UPPER_BOUND_STD_DEVS: readonly number[] = [";
  for (int k = 0; k <= 120; ++k) f << (k % 6 ? " " : "\n  ") << num(ub_equiv_table[3 * k + 1]) << ",";
  f << "\n];\n\n/** The one-sided tail probability of two standard deviations, as DataSketches uses it. */\n"
       "export const DELTA_OF_TWO_STD_DEVS = "
    << num(delta_of_num_std_devs[2]) << ";\n";
}

static void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + path);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <fixtures dir> <binomial tables .ts>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  add_format_vectors();

  // The synthetic catalog: one population, segments as hash buckets of it.
  add_segment({"sports", 11, 0, 3000}, 10, true, true, true);
  add_segment({"travel", 12, 0, 2000}, 10, true, true, true);
  add_segment({"news", 13, 0, 4000}, 10, false, true, true);
  add_segment({"gaming", 14, 0, 1500}, 10, true, false, false);
  add_segment({"luxury", 15, 0, 500}, 10, true, true, false);
  add_segment({"auto", 16, 0, 1000}, 10, true, true, true);
  add_segment({"tiny", 17, 0, 2}, 12, false, true, false);
  // Three disjoint audiences of about 2,600 users in exact mode: their union passes the lg_k 12
  // union's rebuild point (7,680 entries) and its cut to 4,096 entries.
  add_segment({"shoes", 18, 0, 260}, 12, false, false, false);
  add_segment({"books", 18, 260, 520}, 12, false, true, true);
  add_segment({"music", 18, 520, 780}, 12, false, true, true);
  add_segment({"universe", 19, 0, 10000}, 12, true, true, true);
  segments.emplace("empty", Segment{"empty", 0, 0, 0});

  const std::vector<Plan> plans = {
    {"and_with_exclusion", "AND", {{"OR", false, {"sports", "travel"}}, {"AND", false, {"news", "gaming"}},
                                   {"OR", true, {"luxury"}}}},
    {"or_with_exclusion", "OR", {{"AND", false, {"sports", "news"}}, {"OR", true, {"auto", "tiny"}}}},
    {"union_rebuild", "OR", {{"OR", false, {"shoes", "books", "music"}}, {"OR", false, {"travel"}}}},
    // The same audiences in another order, the rebuild falling inside the unordered sketch
    // (shoes): DataSketches' union gives the same result, and so must ours.
    {"union_rebuild_reordered", "OR", {{"OR", false, {"books", "music", "shoes"}}, {"OR", false, {"tiny"}}}},
    {"and_exclusions_in_order", "AND", {{"OR", false, {"news"}}, {"OR", true, {"sports"}}, {"AND", true, {"travel", "auto"}},
                                        {"OR", true, {"empty", "tiny"}}}},
    {"or_everything", "OR", {{"OR", false, {"sports", "travel", "news", "gaming", "luxury", "auto"}},
                             {"AND", true, {"universe", "news"}}, {"AND", false, {"tiny", "empty"}}}},
    {"and_with_empty_member", "AND", {{"AND", false, {"sports", "empty"}}, {"OR", false, {"travel"}}}},
    {"single_member_or", "AND", {{"OR", false, {"universe"}}}},
    // The edges of the set operations, over the format vectors: empty sketches, a sketch in
    // estimation mode with no entry, one entry, unordered and compressed inputs, sampled lg_k 14 and 16.
    {"edge_intersection_of_forms", "AND", {{"AND", false, {"exact_unordered", "estimation_unordered_lg10", "single_item"}},
                                           {"OR", true, {"estimation_one_entry"}}}},
    {"edge_no_entries_then_empty", "AND", {{"AND", false, {"estimation_no_entries", "exact_ordered"}}, {"OR", false, {"empty"}}}},
    {"edge_empty_last", "AND", {{"AND", false, {"exact_ordered", "estimation_no_entries", "empty"}}}},
    {"edge_exclude_empty_and_no_entries", "AND", {{"OR", false, {"compressed_exact", "estimation_ordered_lg10"}},
                                                  {"AND", true, {"empty"}}, {"AND", true, {"estimation_no_entries"}}}},
    {"edge_union_of_nothing", "OR", {{"AND", false, {"empty"}}, {"OR", false, {"estimation_no_entries"}}}},
    {"edge_empty_minus", "AND", {{"OR", false, {"empty"}}, {"OR", true, {"exact_ordered"}}}},
    {"edge_empty_minus_estimation", "AND", {{"OR", false, {"empty"}}, {"OR", true, {"estimation_ordered_lg10"}}}},
    // Two exact sketches with no user in common: their intersection is empty, not a sketch
    // with theta 1 and no entry, so the group stays empty.
    {"edge_disjoint_exact", "AND", {{"AND", false, {"shoes", "books"}}, {"OR", false, {"estimation_ordered_lg10"}}}},
    {"edge_sampled", "AND", {{"AND", false, {"sampled_lg16", "compressed_sampled_lg14"}}, {"OR", true, {"exact_unordered"}},
                             {"OR", false, {"compressed_estimation_one_entry", "estimation_ordered_lg10"}}}},
  };

  std::ostringstream manifest;
  manifest << "{\n  \"generator\": \"scripts/sketch-vectors/make_vectors.cpp\",\n  \"seed\": 9001,\n"
           << "  \"seed_hash\": " << compute_seed_hash(DEFAULT_SEED) << ",\n  \"population\": " << POPULATION
           << ",\n  \"union_lg_k\": " << int(UNION_LG_K) << ",\n  \"sketches\": [";
  std::ostringstream module;
  module << "// Generated by scripts/sketch-vectors/make_vectors.cpp: do not edit. The bytes of every\n"
            "// .bin file here, base64-encoded, for the tests in workerd (which cannot read files).\n"
            "export const SKETCH_BASE64: Record<string, string> = {\n";
  for (size_t i = 0; i < vectors.size(); ++i) {
    const auto& v = vectors[i];
    write_file(dir + "/" + v.name + ".bin", std::string(v.data.begin(), v.data.end()));
    manifest << (i ? "," : "") << "\n    {\"name\": " << json_string(v.name) << ", \"file\": "
             << json_string(v.name + ".bin") << ", \"form\": " << json_string(v.form) << ", \"bytes\": "
             << v.data.size() << ", \"serial_version\": " << int(v.data[1]) << ", "
             << summary_json(by_name.at(v.name))
             << (v.extra.empty() ? "" : ", " + v.extra) << "}";
    module << "  " << v.name << ": \"" << base64(v.data) << "\",\n";
  }
  manifest << "\n  ],\n  \"plans\": [\n";
  for (size_t i = 0; i < plans.size(); ++i) manifest << (i ? ",\n" : "") << plan_json(plans[i]);
  manifest << "\n  ],\n  \"bounds\": [" << bounds_json() << "\n  ]\n}\n";
  module << "};\n";
  write_file(dir + "/manifest.json", manifest.str());
  write_file(dir + "/sketches.ts", module.str());
  write_tables(argv[2]);
  std::printf("%zu sketches, %zu plans written to %s\n", vectors.size(), plans.size(), dir.c_str());
  return 0;
}
