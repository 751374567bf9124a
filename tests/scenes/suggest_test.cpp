#include <twin/scenes/suggest.h>

#include <catch2/catch.hpp>

using twin::ClosestMatches;
using twin::DidYouMean;
using twin::EditDistance;

TEST_CASE("EditDistance counts insertions, deletions, substitutions and swaps", "[scenes]") {
  CHECK(EditDistance("", "") == 0);
  CHECK(EditDistance("abc", "") == 3);
  CHECK(EditDistance("", "abc") == 3);
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("conveyor", "conveyer") == 1);
  CHECK(EditDistance("flaw", "lawn") == 2);
  CHECK(EditDistance("lenght", "length") == 1);  // a swap of neighbours is one edit
  CHECK(EditDistance("ab", "ba") == 1);
}

TEST_CASE("ClosestMatches keeps plausible typos only, best first", "[scenes]") {
  const std::vector<std::string> verbs{"run", "check", "bench", "render", "export"};
  CHECK(ClosestMatches("rn", verbs) == std::vector<std::string>{"run"});
  CHECK(ClosestMatches("chek", verbs) == std::vector<std::string>{"check"});
  CHECK(ClosestMatches("RENDR", verbs) == std::vector<std::string>{"render"});
  CHECK(ClosestMatches("calibrate", verbs).empty());
}

TEST_CASE("DidYouMean phrases the suggestions", "[scenes]") {
  CHECK(DidYouMean("shoulder_joint", {"shoulder_joint1", "elbow"}) ==
        " (did you mean 'shoulder_joint1'?)");
  CHECK(DidYouMean("ab", {"aa", "bb"}) == " (did you mean 'aa' or 'bb'?)");
  CHECK(DidYouMean("zzzzzz", {"conveyor"}).empty());
}
