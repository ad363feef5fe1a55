#include <promptjournal/promptjournal.h>
#include <iostream>

int main() {
  using namespace promptjournal;
  SessionManager manager("./sessions");            // one folder of JSONL journals
  Config config;
  config.set_model_name("gpt-4o").set_model_provider(ModelProvider::kOpenAI);
  if (manager.get_session("run-42")) return 0;      // ids are never overwritten
  auto session = manager.create_session("run-42", "Classify reviews.", config);
  session->update_optimized_prompt("You are a sentiment classifier.");  // on disk when it returns
  session->add_feedback(Feedback("sentiment", 8, 17, "name the labels"));
  session->update_human_input("Classify reviews as positive or negative.");

  auto again = SessionManager("./sessions").get_session("run-42");    // any process sees it
  std::cout << again->version() << " events; prompt was: "
            << manager.state_at("run-42", 2).latest_optimized_prompt.value_or("") << "\n";
}
