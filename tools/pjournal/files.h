// Files pjournal reads and writes for the user, not journals: the text of
// --file / --input-file / --config, and the FILE of export -o and audit --html.
// Both go through the library's FileSystem, so they get its refusals.
#ifndef PROMPTJOURNAL_TOOLS_PJOURNAL_FILES_H_
#define PROMPTJOURNAL_TOOLS_PJOURNAL_FILES_H_

#include <string>

namespace pjournal {

// Reads a whole file named on the command line. Refuses, without blocking, a
// folder, a FIFO or a device, and stops with an error after 64 MiB (the line
// limit, promptjournal::kMaxLineBytes). Throws a one-line error (exit 1).
std::string read_input_file(const std::string& path);

// Writes `bytes` to `path` atomically: a new temporary file with a unique name
// (mode 0600) in the same folder, synced, then renamed over `path`; a failure
// removes the temporary file and leaves `path` as it was. Refuses a `path`
// whose folder, with links resolved, is the sessions folder `root` or any
// folder below it (it could replace a journal or a snapshot). Throws a
// one-line error (exit 1).
void write_output_file(const std::string& root, const std::string& path, const std::string& bytes);

// Flushes standard output and throws a one-line error naming the system's
// reason (e.g. "No space left on device") when any write to it failed.
void flush_stdout();

// Run once at exit: flushes and closes standard output. When that fails, or an
// earlier write to it failed, prints "pjournal: error: cannot write standard
// output: REASON" on stderr and returns 1 (or `exit_code` if that is already a
// failure); otherwise returns `exit_code`.
int finish_stdout(int exit_code);

}  // namespace pjournal

#endif  // PROMPTJOURNAL_TOOLS_PJOURNAL_FILES_H_
