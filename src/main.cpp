#include "app/cli.h"

int main(int argc, char** argv) {
  return kefu::run_cli(argc, argv);
}
