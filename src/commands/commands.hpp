// The commands and the helpers every command shares (argument parsing, error wording).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "app/context.hpp"
#include "present/format.hpp"

namespace runner {

using Args = std::vector<std::string>;

// Parses a command's arguments. Returns nullopt after printing --help; throws UsageError.
// Tokens like "-1" or "-3:current" are targets, not options.
std::optional<boost::program_options::variables_map> parse_args(
    Context& ctx, const Args& args, const char* usage, const char* description,
    const boost::program_options::options_description& options,
    const boost::program_options::options_description& arguments = {},
    const boost::program_options::positional_options_description& positional = {});

// Resolves planning errors into the messages users see, naming what they typed.
template <typename F>
auto with_target(const RevisionGraph& graph, std::string_view argument, F&& plan)
    -> decltype(plan());

// True for "json", false for "text"; anything else is a usage error.
bool parse_format(const std::string& format);

// --format text|json: the one declaration every command with a JSON form shares; `help` says
// what json gives.
void add_format_option(boost::program_options::options_description& options,
                       const char* help = "text or json");
// Whether add_format_option's --format says json (parse_format of its value).
bool json_format(const boost::program_options::variables_map& vm);

std::string multiple_heads_message(const RevisionGraph& graph,
                                   const std::vector<std::string>& heads,
                                   std::string_view argument);

int cmd_upgrade(Context& ctx, const Args& args);
int cmd_downgrade(Context& ctx, const Args& args);
int cmd_stamp(Context& ctx, const Args& args);
int cmd_adopt(Context& ctx, const Args& args);
int cmd_current(Context& ctx, const Args& args);
int cmd_history(Context& ctx, const Args& args);
int cmd_heads(Context& ctx, const Args& args);
int cmd_branches(Context& ctx, const Args& args);
int cmd_show(Context& ctx, const Args& args);
int cmd_check(Context& ctx, const Args& args);
int cmd_rebless(Context& ctx, const Args& args);
int cmd_resolve(Context& ctx, const Args& args);
int cmd_backup(Context& ctx, const Args& args);
int cmd_reset(Context& ctx, const Args& args);
int cmd_init(Context& ctx, const Args& args);
int cmd_revision(Context& ctx, const Args& args);
int cmd_merge(Context& ctx, const Args& args);
int cmd_graph(Context& ctx, const Args& args);

// Implementation of the template above.
template <typename F>
auto with_target(const RevisionGraph& graph, std::string_view argument, F&& plan)
    -> decltype(plan()) {
    try {
        return plan();
    } catch (const MultipleHeadsError& e) {
        throw Error(multiple_heads_message(graph, e.heads(), argument));
    }
}

}  // namespace runner
