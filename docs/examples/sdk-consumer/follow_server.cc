// A service's view of expt's delivery: a BundleClient (expt::client) keeps an Evaluator on the
// newest bundle that `expt serve` pushes, and assignment runs in-process from it.
//
//   follow_server http://127.0.0.1:8080 CACHE_FILE VERSION ENTITY...
//
// Starts from CACHE_FILE if it holds a bundle, waits (at most 30 s) until the client has VERSION,
// then prints CSV like evaluate_bundle: entity_id,namespace,experiment,variant,slot,in_holdout,config

#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include <expt/assign/evaluator.h>
#include <expt/client/bundle_client.h>

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: follow_server URL CACHE_FILE VERSION ENTITY...\n";
    return 2;
  }
  const long long wanted = std::stoll(argv[3]);
  expt::Evaluator evaluator;
  expt::BundleClientOptions options;
  options.base_url = argv[1];
  options.cache_path = argv[2];
  options.on_update = [](int64_t version, const std::string& how) {
    std::cerr << "version " << version << " (" << how << ")\n";
  };
  expt::BundleClient client(evaluator, options);
  client.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (client.version() < wanted && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (client.version() < wanted) {
    std::cerr << "error: still at version " << client.version() << " after 30 s\n";
    return 1;
  }
  std::cout << "entity_id,namespace,experiment,variant,slot,in_holdout,config\n";
  for (int i = 4; i < argc; ++i) {
    // assign() reads the current snapshot; the client may swap it meanwhile, never mid-call.
    expt::Evaluation evaluation = evaluator.assign(argv[i]);
    for (const expt::EvaluatedLayer& layer : evaluation.layers) {
      std::string config = layer.config->dump();
      std::string quoted;
      for (char c : config) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      std::cout << argv[i] << ',' << layer.namespace_key << ',' << layer.experiment << ',' << layer.variant << ','
                << layer.slot << ',' << (layer.in_global_holdout ? "true" : "false") << ",\"" << quoted << "\"\n";
    }
  }
  client.stop();
  return 0;
}
