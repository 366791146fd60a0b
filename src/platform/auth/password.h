#pragma once
// Passwords are stored as argon2id hashes (libsodium's crypto_pwhash_str).
#include <string>
#include <string_view>

namespace kefu::auth {

std::string hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);
// Runs the same work as a real verification, so an unknown user name takes as long as
// a wrong password and does not reveal which accounts exist.
void burn_password_time(std::string_view password);

}  // namespace kefu::auth
