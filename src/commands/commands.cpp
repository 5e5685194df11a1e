// The helpers every command shares (argument parsing, error wording).
#include "commands/commands.hpp"

#include <cctype>
#include <ostream>

#include "util/text.hpp"

namespace runner {
namespace po = boost::program_options;

namespace {
// Program_options treats "-1" as an option; targets like that are marked and unmarked here.
constexpr char kTargetMark = '\x1f';

bool looks_like_negative_target(const std::string& token) {
    return token.size() >= 2 && token[0] == '-' && token[1] >= '0' && token[1] <= '9';
}
}  // namespace

std::optional<po::variables_map> parse_args(Context& ctx, const Args& args, const char* usage,
                                            const char* description,
                                            const po::options_description& options,
                                            const po::options_description& arguments,
                                            const po::positional_options_description& positional) {
    po::options_description all;
    all.add(options).add(arguments);
    all.add_options()("help,h", "show this help");
    std::vector<std::string> tokens;
    for (const auto& a : args) {
        tokens.push_back(looks_like_negative_target(a) ? kTargetMark + a : a);
    }
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(tokens).options(all).positional(positional).run(), vm);
        if (vm.count("help") != 0) {
            ctx.out() << "usage: runner " << usage << "\n\n" << description << "\n\n" << options;
            return std::nullopt;
        }
        po::notify(vm);
    } catch (const po::required_option& e) {
        std::string name = e.get_option_name();
        name.erase(0, name.find_first_not_of('-'));
        for (auto& c : name) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        throw UsageError("missing argument " + name + "\nusage: runner " + usage);
    } catch (const po::error& e) {
        throw UsageError(std::string(e.what()) + "\nusage: runner " + usage);
    }
    // Unmark targets wherever they ended up (a positional, or the value of an option).
    for (auto& [name, value] : vm) {
        if (auto* s = boost::any_cast<std::string>(&value.value())) {
            if (!s->empty() && s->front() == kTargetMark) {
                s->erase(0, 1);
            }
        } else if (auto* v = boost::any_cast<std::vector<std::string>>(&value.value())) {
            for (auto& item : *v) {
                if (!item.empty() && item.front() == kTargetMark) {
                    item.erase(0, 1);
                }
            }
        }
    }
    return vm;
}

bool parse_format(const std::string& format) {
    if (format != "text" && format != "json") {
        throw UsageError("--format takes 'text' or 'json', not '" + format + "'");
    }
    return format == "json";
}

void add_format_option(po::options_description& options, const char* help) {
    options.add_options()("format", po::value<std::string>()->default_value("text"), help);
}

bool json_format(const po::variables_map& vm) {
    return parse_format(vm["format"].as<std::string>());
}

SchemaFile schema_file_for(Context& ctx, const std::optional<std::string>& option) {
    if (option) {
        return {*option, "--schema-file"};
    }
    return {ctx.settings().schema_file, ctx.settings().schema_file_origin};
}

std::string multiple_heads_message(const RevisionGraph& graph,
                                   const std::vector<std::string>& heads,
                                   std::string_view argument) {
    std::vector<std::string> shown;
    for (const auto& h : heads) {
        std::string item = h;
        if (const auto r = graph.find(h); r && !graph.labels(*r).empty()) {
            item += " (" + join(graph.labels(*r), ", ") + ")";
        }
        shown.push_back(item);
    }
    const std::string arg(argument);
    return "Multiple head revisions are present for given argument '" + arg + "' (" +
           join(shown, "; ") + "); please specify a specific target revision, '<branchname>@" +
           arg +
           "' to narrow to a specific head, or 'heads' for all heads; or join them first "
           "with 'runner merge heads -m MESSAGE'";
}

}  // namespace runner
