// The demo catalog's sketches (scripts/demo-catalog.sql): Theta sketches made by Apache
// DataSketches from synthetic users, so `npm run dev` answers reach at once. Prints the SQL
// block that make-demo.sh puts in the seed. Users 1..1,000,000; each segment is the users whose
// mixed id falls in a range of buckets (per 10,000), so every true count is known.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <theta_sketch.hpp>

using namespace datasketches;

static const uint64_t POPULATION = 1000000;
static const uint8_t LG_K = 10;

static uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Segment {
  const char* type;
  int id;
  const char* organization;  // SQL: NULL or an organization id
  uint64_t salt;
  uint32_t from, to;  // buckets per 10,000
};

// The demo catalog's segments (scripts/demo-catalog.sql); 201 overlaps 101 (runners read sports news).
static const std::vector<Segment> SEGMENTS = {
    {"CONTEXTUAL", 101, "NULL", 11, 0, 3000},  {"CONTEXTUAL", 102, "NULL", 12, 0, 2000},
    {"CONTEXTUAL", 103, "NULL", 13, 0, 1000},  {"3P", 201, "NULL", 11, 2200, 3600},
    {"3P", 202, "NULL", 12, 1500, 2700},       {"3P", 301, "1234", 31, 0, 500},
};

static std::string hex(const std::vector<uint8_t>& bytes) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// One INSERT ... SELECT of a sketch's figures and bytes (compressed, serial version 4); `where`
// ends it, and the row is skipped on conflict, so rows changed through the API are kept.
static void print_row(const std::string& insert, const compact_theta_sketch& sketch, uint64_t count, const std::string& label, const std::string& where) {
  const auto bytes = sketch.serialize_compressed();
  std::printf("-- %s: %llu users, estimate %.0f\n", label.c_str(), (unsigned long long)count, sketch.get_estimate());
  std::printf("%s%.17g, %.17g, %.17g, %u, %.17g, %u, %zu, X'%s'\n  %s ON CONFLICT DO NOTHING;\n", insert.c_str(), sketch.get_estimate(),
              sketch.get_lower_bound(2), sketch.get_upper_bound(2), sketch.get_num_retained(), sketch.get_theta(), LG_K, bytes.size(),
              hex(bytes).c_str(), where.c_str());
}

int main() {
  std::printf("UPDATE sketch_counter SET last_version = last_version + 1 WHERE id = 1;\n");
  for (const auto& seg : SEGMENTS) {
    auto s = update_theta_sketch::builder().set_lg_k(LG_K).build();
    uint64_t count = 0;
    for (uint64_t id = 1; id <= POPULATION; ++id) {
      const uint32_t bucket = mix(id ^ seg.salt) % 10000;
      if (bucket >= seg.from && bucket < seg.to) {
        s.update(id);
        ++count;
      }
    }
    const std::string insert = std::string("INSERT INTO segment_sketches (segment_type, segment_id, owner_scope, version, updated_at, estimate, lower_bound, upper_bound, retained_entries, theta, lg_k, byte_length, sketch)\n  SELECT '") +
                               seg.type + "', " + std::to_string(seg.id) + ", coalesce(" + seg.organization +
                               ", 0), (SELECT last_version FROM sketch_counter), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ";
    const std::string where = std::string("WHERE EXISTS (SELECT 1 FROM segments WHERE segment_type = '") + seg.type +
                              "' AND segment_id = " + std::to_string(seg.id) + " AND owner_scope = coalesce(" + seg.organization + ", 0))";
    print_row(insert, s.compact(), count, std::string(seg.type) + " " + std::to_string(seg.id), where);
  }
  auto universe = update_theta_sketch::builder().set_lg_k(LG_K).build();
  for (uint64_t id = 1; id <= POPULATION; ++id) universe.update(id);
  print_row("INSERT INTO universe_sketch (id, version, updated_at, estimate, lower_bound, upper_bound, retained_entries, theta, lg_k, byte_length, sketch)\n  SELECT 1, (SELECT last_version FROM sketch_counter), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ",
            universe.compact(), POPULATION, "universe", "WHERE true");
  return 0;
}
