# Fuzz target of the site policy parser and evaluator (included from tests/fuzz/CMakeLists.txt)
mc_add_fuzz_target(policy SOURCES fuzz-policy.c LIBS mc_checker mc_rules mc_model)
