#include "commands/watch.h"

#include <condition_variable>
#include <mutex>
#include <ostream>

#include "commands/common/stop_signals.h"
#include "commands/render/color.h"
#include "core/assign/assignment_json.h"
#include "core/client/bundle_client.h"

namespace expt {

ExitCode run_watch(const WatchOptions& options, Io& io) {
  if (!options.server.starts_with("http://") && !options.server.starts_with("https://")) {
    return report(io, Error::invalid("--server must be a URL such as http://127.0.0.1:8080, got '" + options.server + "'"));
  }
  if (!(options.poll_seconds > 0) || options.timeout_seconds < 0) {
    return report(io, Error::invalid("--poll must be a positive number of seconds, --timeout zero or more"));
  }

  std::mutex mutex;
  std::condition_variable done;
  bool finished = false;
  auto finish = [&] {
    std::lock_guard<std::mutex> lock(mutex);
    finished = true;
    done.notify_all();
  };
  // After what finish() uses (destroyed before it) and before the client's thread, which
  // inherits the mask.
  StopSignals signals;
  Evaluator evaluator;
  BundleClientOptions client_options;
  client_options.base_url = options.server;
  client_options.cache_path = options.cache;
  client_options.poll_interval = std::chrono::milliseconds(static_cast<int64_t>(options.poll_seconds * 1000));
  client_options.use_stream = !options.no_stream;
  client_options.follow_new_lineage = options.follow_new_lineage;
  client_options.on_update = [&](int64_t version, const std::string& how) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      io.out << "version " << version << " (" << how << ")\n";
      if (auto snapshot = evaluator.snapshot(); snapshot && !options.entities.empty()) {
        const AssignmentSnapshot& assignment = snapshot->assignment();
        std::vector<size_t> layers(assignment.layers.size());
        for (size_t i = 0; i < layers.size(); ++i) layers[i] = i;
        for (const std::string& entity : options.entities) {
          // The one shape of an assignment (docs/assignment.schema.json), with the version;
          // "entity", the old name of entity_id, is kept for one release (until 0.3.0).
          nlohmann::json line = assignment_json(assignment, layers, entity);
          line["version"] = version;
          line["entity"] = entity;
          io.out << line.dump() << "\n";
        }
      }
      io.out << std::flush;
    }
    if (options.until_version && version >= *options.until_version) finish();
  };
  client_options.on_error = [&](const Error& error) {
    std::lock_guard<std::mutex> lock(mutex);
    io.err << paint("warning:", Paint::yellow, io.color_err) << " " << error.message << "\n" << std::flush;
  };
  BundleClient client(evaluator, client_options);
  client.start();
  signals.start(finish);
  bool reached = true;
  {
    std::unique_lock<std::mutex> lock(mutex);
    if (options.timeout_seconds > 0) {
      reached = done.wait_for(lock, std::chrono::milliseconds(static_cast<int64_t>(options.timeout_seconds * 1000)),
                              [&] { return finished; });
    } else {
      done.wait(lock, [&] { return finished; });
    }
  }
  client.stop();
  if (!reached) {
    io.err << "error: version " << *options.until_version << " not reached within " << options.timeout_seconds
           << " s (at version " << client.version() << ")\n";
    return ExitCode::check_failed;
  }
  return ExitCode::ok;
}

}  // namespace expt
