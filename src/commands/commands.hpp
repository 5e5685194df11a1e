// The commands and the helpers every command shares (argument parsing, error wording).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "app/context.hpp"
#include "commands/options.hpp"
#include "exec/desired_schema.hpp"
#include "present/format.hpp"

namespace runner {

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

// The desired schema file: --schema-file when given, else the settings' (schema_file =, or
// schema.sql beside the config file), with where its name came from.
SchemaFile schema_file_for(Context& ctx, const std::optional<std::string>& option);

std::string multiple_heads_message(const RevisionGraph& graph,
                                   const std::vector<std::string>& heads,
                                   std::string_view argument);

// Parses a command's arguments into its options struct and runs it (see commands/options.hpp):
// the entry point the command table lists for each command.
template <class Options, std::optional<Options> (*Parse)(Context&, const Args&),
          int (*Run)(Context&, const Options&)>
int command(Context& ctx, const Args& args) {
    const std::optional<Options> options = Parse(ctx, args);
    return options ? Run(ctx, *options) : kExitOk;
}

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
