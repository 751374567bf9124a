#include <twin/base/suggest.h>

#include <catch2/catch.hpp>

using twin::base::ClosestMatches;
using twin::base::DidYouMean;
using twin::base::EditDistance;
using twin::base::JoinNames;
using twin::base::UnknownNameHint;

TEST_CASE("EditDistance counts insertions, deletions, substitutions and swaps", "[base]") {
  CHECK(EditDistance("", "") == 0);
  CHECK(EditDistance("abc", "") == 3);
  CHECK(EditDistance("", "abc") == 3);
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("conveyor", "conveyer") == 1);
  CHECK(EditDistance("flaw", "lawn") == 2);
  CHECK(EditDistance("lenght", "length") == 1);  // a swap of neighbours is one edit
  CHECK(EditDistance("ab", "ba") == 1);
}

TEST_CASE("ClosestMatches keeps plausible typos only, best first", "[base]") {
  const std::vector<std::string> verbs{"run", "check", "bench", "render", "export"};
  CHECK(ClosestMatches("rn", verbs) == std::vector<std::string>{"run"});
  CHECK(ClosestMatches("chek", verbs) == std::vector<std::string>{"check"});
  CHECK(ClosestMatches("RENDR", verbs) == std::vector<std::string>{"render"});
  CHECK(ClosestMatches("calibrate", verbs).empty());
}

TEST_CASE("DidYouMean phrases the suggestions", "[base]") {
  CHECK(DidYouMean("shoulder_joint", {"shoulder_joint1", "elbow"}) ==
        " (did you mean 'shoulder_joint1'?)");
  CHECK(DidYouMean("ab", {"aa", "bb"}) == " (did you mean 'aa' or 'bb'?)");
  CHECK(DidYouMean("zzzzzz", {"conveyor"}).empty());
}

TEST_CASE("JoinNames separates names with a comma and a space", "[base]") {
  CHECK(JoinNames({}).empty());
  CHECK(JoinNames({"carton"}) == "carton");
  CHECK(JoinNames({"carton", "tote", "pallet"}) == "carton, tote, pallet");
  CHECK(JoinNames({"a", "", "b"}) == "a, , b");  // an empty name keeps its place
}

TEST_CASE("UnknownNameHint is the suggestion, then the introduction and every known name",
          "[base]") {
  const std::vector<std::string> keys{"length", "width", "height"};
  CHECK(UnknownNameHint("lenght", keys, "; allowed here: ") ==
        " (did you mean 'length'?); allowed here: length, width, height");
  CHECK(UnknownNameHint("ab", {"aa", "bb"}, "; the types are: ") ==
        " (did you mean 'aa' or 'bb'?); the types are: aa, bb");
  CHECK(UnknownNameHint("colour", keys, "; allowed: ") == "; allowed: length, width, height");
  CHECK(UnknownNameHint("x", {}, "; it has: ") == "; it has: ");
}
