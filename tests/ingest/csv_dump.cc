// Prints what expt's CSV reader makes of each file named on the command line, for the
// differential test against Python's csv module (csv_differential.py): per file a line
// "FILE name", then one JSON array of strings per record, then "END" or "ERROR message".

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/ingest/csv_reader.h"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::cout << "FILE " << argv[i] << '\n';
    expt::CsvReader reader(in, argv[i], 64);  // small blocks: records cross buffer refills
    std::vector<std::string_view> fields;
    for (;;) {
      auto more = reader.next(fields);
      if (!more) {
        std::cout << "ERROR " << more.error().message << '\n';
        break;
      }
      if (!*more) {
        std::cout << "END\n";
        break;
      }
      nlohmann::json record = nlohmann::json::array();
      for (std::string_view f : fields) record.push_back(std::string(f));
      std::cout << record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    }
  }
  return 0;
}
