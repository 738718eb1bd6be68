# fish completion for awsrole.
#
# Install: copy to ~/.config/fish/completions/awsrole.fish (make install puts it in
# $PREFIX/share/fish/vendor_completions.d).
#
# Profile names are read from the files themselves (no awsrole call, no network):
#   $AWS_CONFIG_FILE (default ~/.aws/config): [default] and [profile NAME], where NAME may
#     be quoted as in [profile "Access CustomerA"];
#   $AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials): [NAME], taken literally.

# The section names of an INI file (the text between [ and the last ]).
function __awsrole_sections
    test -f "$argv[1]" -a -r "$argv[1]"; or return 0
    string replace -r '\r$' '' <$argv[1] | string replace -rf '^\s*\[(.+)\].*$' '$1'
end

function __awsrole_profiles
    set -l cfg ~/.aws/config
    set -q AWS_CONFIG_FILE; and set cfg $AWS_CONFIG_FILE
    set -l cred ~/.aws/credentials
    set -q AWS_SHARED_CREDENTIALS_FILE; and set cred $AWS_SHARED_CREDENTIALS_FILE
    set cfg (string replace -r -- '^~(?=/|$)' $HOME $cfg)
    set cred (string replace -r -- '^~(?=/|$)' $HOME $cred)
    begin
        for sec in (__awsrole_sections $cfg)
            if test "$sec" = default
                echo default
                continue
            end
            # [profile NAME], [profile "A B"], [profile 'A B']: exactly two shell words
            set -l m (string match -r '^profile\S*\s+(.*?)\s*$' -- $sec)
            or continue
            set -l rest $m[2]
            if set -l q (string match -r '^"([^"\\\\]*)"$' -- $rest)
                echo $q[2]
            else if set -l q (string match -r "^'([^']*)'\$" -- $rest)
                echo $q[2]
            else if not string match -qr '[\s"\'\\\\]' -- $rest
                echo $rest
            end
        end
        for sec in (__awsrole_sections $cred)
            test "$sec" != DEFAULT; and echo $sec
        end
    end | sort -u
end

function __awsrole_regions
    set -l cfg ~/.aws/config
    set -q AWS_CONFIG_FILE; and set cfg $AWS_CONFIG_FILE
    set cfg (string replace -r -- '^~(?=/|$)' $HOME $cfg)
    test -f "$cfg" -a -r "$cfg"; or return 0
    string replace -rf '^\s*region\s*[=:]\s*([a-z0-9-]+)\s*\r?$' '$1' <$cfg | sort -u
end

function __awsrole_scopes
    printf '%s\t%s\n' readonly 'ReadOnlyAccess as a session policy' viewonly 'ViewOnlyAccess as a session policy' full 'No session policy'
end

# Parse the line before the cursor.  Prints the command; whether a profile was given (1/0);
# the index (1-based, in `commandline -opc`) where the command to run (exec, agent) starts
# (0 if it has not started); whether agent's --env was given (1/0); then the profiles given
# to login or serve, one per line.
function __awsrole_state
    set -l toks (commandline -opc)
    set -l cmd ''
    set -l sub ''
    set -l profile 0
    set -l start 0
    set -l env 0
    set -l given
    set -l i 2
    while test $i -le (count $toks)
        set -l w $toks[$i]
        switch $w
            case --
                set start (math $i + 1)
                break
            case -p --profile
                if test $i -lt (count $toks)
                    set profile 1
                    set -a given $toks[(math $i + 1)]
                end
                set i (math $i + 2)
                continue
            case --region --format --mfa-code --scope --policy --policy-arn --name --role-session-name
                set i (math $i + 2)
                continue
            case --mfa-session
                # its DURATION is optional: the next word is one when it starts with a digit
                set i (math $i + 1)
                if test $i -le (count $toks); and string match -qr '^[0-9]' -- $toks[$i]
                    set i (math $i + 1)
                end
                continue
            case --env
                set env 1
                set i (math $i + 1)
                continue
            case '-*'
                set i (math $i + 1)
                continue
        end
        if test -z "$cmd"
            set cmd $w
        else if test "$cmd" = config -a -z "$sub"
            set sub $w
        else if contains -- $cmd login serve
            # several profiles: every word is one
            set profile 1
            set -a given $w
        else if test "$cmd" = agent
            # no profile: the first word is the command to run
            set start $i
            break
        else if test $profile = 0; and contains -- $cmd exec env credential-process whoami logout doctor
            set profile 1
        else if test "$cmd" = exec
            set start $i
            break
        end
        set i (math $i + 1)
    end
    printf '%s\n' "$cmd" $profile $start $env $given
end

function __awsrole_needs_command
    set -l s (__awsrole_state)
    test -z "$s[1]"
end

function __awsrole_using
    set -l s (__awsrole_state)
    test "$s[3]" = 0; and contains -- "$s[1]" $argv
end

function __awsrole_needs_profile
    set -l s (__awsrole_state)
    test "$s[3]" = 0; or return 1
    contains -- "$s[1]" login serve; and return 0
    test "$s[2]" = 0; and contains -- "$s[1]" exec env credential-process whoami logout doctor
end

# The profiles not given yet to login or serve (every profile for the other commands).
function __awsrole_profiles_left
    set -l s (__awsrole_state)
    set -l given $s[5..-1]
    for p in (__awsrole_profiles)
        contains -- $p $given; or echo $p
    end
end

# The command to run (exec, agent) has started, or agent's command is the word under the
# cursor (agent takes no profile: unless it is an option or --env was given).
function __awsrole_command_started
    set -l s (__awsrole_state)
    contains -- "$s[1]" exec agent; or return 1
    test "$s[3]" != 0; and return 0
    test "$s[1]" = agent -a "$s[4]" = 0; or return 1
    string match -q -- '-*' (commandline -ct); and return 1
    set -l prev (commandline -opc)[-1]
    not contains -- $prev --name --policy --format
end

function __awsrole_exec_needs_dashdash
    set -l s (__awsrole_state)
    test "$s[1]" = exec -a "$s[2]" = 1 -a "$s[3]" = 0
end

# Complete the command to run (exec, agent) as if it stood alone on the line.
function __awsrole_command_complete
    set -l s (__awsrole_state)
    set -l toks (commandline -opc)
    set -l rest
    test $s[3] != 0 -a $s[3] -le (count $toks); and set rest $toks[$s[3]..-1]
    set -l line (string join ' ' -- (string escape -- $rest) (commandline -ct))
    complete -C "$line"
end

complete -c awsrole -e
complete -c awsrole -f

# commands
complete -c awsrole -n __awsrole_needs_command -a login -d 'Assume the role now (MFA prompt) and cache the session'
complete -c awsrole -n __awsrole_needs_command -a serve -d 'Hold the sessions in memory and hand them to agent views'
complete -c awsrole -n __awsrole_needs_command -a agent -d 'Run a command in the agent view (credentials from serve)'
complete -c awsrole -n __awsrole_needs_command -a exec -d 'Run a command with the credentials in its environment'
complete -c awsrole -n __awsrole_needs_command -a env -d 'Print the credentials as shell lines'
complete -c awsrole -n __awsrole_needs_command -a credential-process -d 'Print credential_process JSON'
complete -c awsrole -n __awsrole_needs_command -a whoami -d 'Call STS GetCallerIdentity'
complete -c awsrole -n __awsrole_needs_command -a list -d 'Every profile, its role and cached session'
complete -c awsrole -n __awsrole_needs_command -a logout -d 'Delete cached sessions'
complete -c awsrole -n __awsrole_needs_command -a config -d 'The profiles as parsed (config dump)'
complete -c awsrole -n __awsrole_needs_command -a doctor -d 'Check the files and profiles'
complete -c awsrole -n __awsrole_needs_command -a status -d 'Which credentials are in effect here'
complete -c awsrole -n __awsrole_needs_command -a prompt -d 'A short PS1 segment'
complete -c awsrole -n __awsrole_needs_command -a version -d 'Print the version'
complete -c awsrole -n '__awsrole_using config' -a dump -d 'Print the profiles as parsed'

# profiles (positional, and after -p/--profile)
complete -c awsrole -n __awsrole_needs_profile -a '(__awsrole_profiles_left)' -d profile
complete -c awsrole -n '__awsrole_using "" login exec env credential-process whoami logout doctor' -s p -l profile -x -a '(__awsrole_profiles)' -d 'The profile'
complete -c awsrole -n __awsrole_exec_needs_dashdash -a -- -d 'The command to run follows'
complete -c awsrole -n __awsrole_command_started -x -a '(__awsrole_command_complete)'

# options
set -l __awsrole_role_cmds login exec env credential-process whoami doctor
set -l __awsrole_scoped_cmds login serve exec env credential-process whoami
complete -c awsrole -n "__awsrole_using $__awsrole_role_cmds serve" -l region -x -a '(__awsrole_regions)' -d 'The STS region'
complete -c awsrole -n "__awsrole_using $__awsrole_role_cmds serve" -l mfa-code -x -d 'The MFA code, instead of a prompt'
complete -c awsrole -n "__awsrole_using $__awsrole_role_cmds" -l no-cache -d 'Neither read nor write the session cache'
complete -c awsrole -n "__awsrole_using $__awsrole_role_cmds serve" -s v -l verbose -d 'Log requests (secrets redacted) to stderr'
complete -c awsrole -n "__awsrole_using $__awsrole_scoped_cmds" -l scope -x -a '(__awsrole_scopes)' -d 'The session policy: readonly, viewonly or full'
complete -c awsrole -n "__awsrole_using $__awsrole_scoped_cmds agent" -l policy -r -F -d 'An inline session policy (JSON file)'
complete -c awsrole -n "__awsrole_using $__awsrole_scoped_cmds" -l policy-arn -x -d 'A managed session policy (repeatable)'
complete -c awsrole -n '__awsrole_using serve' -l mfa-session -d 'One MFA code: GetSessionToken, then every role from it'
complete -c awsrole -n '__awsrole_using serve' -l role-session-name -x -d "The agent sessions' name"
complete -c awsrole -n '__awsrole_using exec' -l allow-nested -d 'Allow another profile inside a session'
complete -c awsrole -n '__awsrole_using env' -l format -x -a 'sh fish powershell json' -d 'Output format'
complete -c awsrole -n '__awsrole_using agent' -l name -x -d "The view's name, in serve's log"
complete -c awsrole -n '__awsrole_using agent' -l env -d "Print the view's variables instead of running"
complete -c awsrole -n '__awsrole_using agent' -l format -x -a 'sh bash zsh fish' -d 'With --env: the shell'
complete -c awsrole -n '__awsrole_using agent; and string match -q -- "-*" (commandline -ct)' -a -- -d 'The command to run follows'
complete -c awsrole -n '__awsrole_using list config doctor' -l json -d 'JSON output'
complete -c awsrole -n '__awsrole_using logout' -l all -d 'Every profile'
complete -c awsrole -n '__awsrole_using config' -l show-secrets -d 'Do not redact secret keys'
complete -c awsrole -n '__awsrole_using doctor' -l online -d 'Also check the clock, the keys and the AssumeRole'
complete -c awsrole -n '__awsrole_using "" login serve agent exec env credential-process whoami list logout config doctor status prompt' -s h -l help -d 'Help'
