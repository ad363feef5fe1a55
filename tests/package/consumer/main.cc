// A consumer of the installed package: the seed's API through find_package.
#include <promptjournal/promptjournal.h>

#include <boost/filesystem.hpp>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  boost::filesystem::remove_all(argv[1]);
  promptjournal::SessionManager manager(argv[1]);
  promptjournal::Config config;
  config.set_model_name("gpt-4o").set_model_provider(promptjournal::ModelProvider::kOpenAI);
  auto session = manager.create_session("consumer-1", "Classify reviews.", config);
  session->update_optimized_prompt("You are a sentiment classifier.");
  session->add_feedback(promptjournal::Feedback("sentiment", 10, 19, "name the labels"));
  promptjournal::SessionManager reopened(argv[1]);
  auto again = reopened.get_session("consumer-1");
  std::cout << "consumer ok: " << again->version() << " events, prompt: "
            << again->latest_optimized_prompt().value_or("") << "\n";
  return again->version() == 3 ? 0 : 1;
}
