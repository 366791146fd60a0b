#pragma once

namespace kefu {

// Parses the command line and runs the subcommand; returns the exit code.
int run_cli(int argc, char** argv);

}  // namespace kefu
